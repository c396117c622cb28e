"""All SQL about work orders, the lines they provision and what hangs off those lines."""

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.db.repository import for_update as locking
from mascustomers.models import (
    Subscription,
    WorkOrder,
    WorkOrderStatusChange,
    WorkOrderSubscription,
)


def get_by_number(
    session: Session, *, org_id: int, work_order_id: str, for_update: bool = False
) -> WorkOrder | None:
    query = select(WorkOrder).where(
        WorkOrder.org_id == org_id, WorkOrder.work_order_id == work_order_id
    )
    if for_update:
        # Locked: read it again as it is now, even if this session loaded it before.
        query = locking(session, query).execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def lock_lines(session: Session, *, work_order_pk: int) -> None:
    """Row-lock the order's lines (PostgreSQL), in id order like every writer of one line."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        select(Subscription.id)
        .join(WorkOrderSubscription, WorkOrderSubscription.subscription_id == Subscription.id)
        .where(WorkOrderSubscription.work_order_id == work_order_pk)
        .order_by(Subscription.id)
        .with_for_update(of=Subscription)
    )


def orders_of_sell(session: Session, *, sell_id: int) -> Sequence[WorkOrder]:
    return session.scalars(
        select(WorkOrder).where(WorkOrder.sell_id == sell_id).order_by(WorkOrder.id)
    ).all()


def subscriptions_of(session: Session, *, work_order_pk: int) -> Sequence[Subscription]:
    return session.scalars(
        select(Subscription)
        .join(WorkOrderSubscription, WorkOrderSubscription.subscription_id == Subscription.id)
        .where(WorkOrderSubscription.work_order_id == work_order_pk)
        .order_by(Subscription.id)
    ).all()


def status_history(session: Session, *, work_order_pk: int) -> Sequence[WorkOrderStatusChange]:
    return session.scalars(
        select(WorkOrderStatusChange)
        .where(WorkOrderStatusChange.work_order_id == work_order_pk)
        .order_by(WorkOrderStatusChange.id)
    ).all()


def orders_containing(
    session: Session, *, subscription_ids: Collection[int], status_ids: Collection[int]
) -> Sequence[WorkOrder]:
    """Work orders in one of ``status_ids`` that provision any of these lines."""
    if not subscription_ids:
        return []
    provisioning = select(WorkOrderSubscription.work_order_id).where(
        WorkOrderSubscription.subscription_id.in_(list(subscription_ids))
    )
    return session.scalars(
        select(WorkOrder)
        .where(WorkOrder.id.in_(provisioning), WorkOrder.status_id.in_(list(status_ids)))
        .order_by(WorkOrder.id)
    ).all()


def get_order(session: Session, *, work_order_pk: int) -> WorkOrder | None:
    return session.get(WorkOrder, work_order_pk)
