"""All SQL about work orders, the lines they provision and what hangs off those lines."""

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mascustomers.models import (
    AccountBundle,
    Subscription,
    SubscriptionTerminal,
    WorkOrder,
    WorkOrderStatusChange,
    WorkOrderSubscription,
)


def _for_update(session: Session, query: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def get_by_number(
    session: Session, *, org_id: int, work_order_id: str, for_update: bool = False
) -> WorkOrder | None:
    query = select(WorkOrder).where(
        WorkOrder.org_id == org_id, WorkOrder.work_order_id == work_order_id
    )
    if for_update:
        query = _for_update(session, query)
    return session.scalars(query).one_or_none()


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


def get_account_bundle(session: Session, *, account_bundle_id: int) -> AccountBundle | None:
    return session.get(AccountBundle, account_bundle_id)


def set_terminal_status(
    session: Session, *, subscription_ids: Collection[int], from_ids: Collection[int], to_id: int
) -> None:
    """Move the terminals of these lines that are in one of ``from_ids`` to ``to_id``."""
    if not subscription_ids:
        return
    session.execute(
        update(SubscriptionTerminal)
        .where(
            SubscriptionTerminal.subscription_id.in_(list(subscription_ids)),
            SubscriptionTerminal.status_id.in_(list(from_ids)),
        )
        .values(status_id=to_id)
    )


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
