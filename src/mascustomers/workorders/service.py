"""Work orders: opened by every selling operation, numbered, moved through their statuses
with history.

What a change order does to each type of order is the table in ``change_types``; applying it
to the order's lines is ``orders`` (``orders.service.change_work_order``).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.db import at_commit
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import NotFound
from mascustomers.models import (
    Subscription,
    WorkOrder,
    WorkOrderStatusChange,
    WorkOrderSubscription,
)
from mascustomers.outbox import changes as events
from mascustomers.sequences import NumberFormat, next_value
from mascustomers.workorders import repository
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType
from mascustomers.workorders.undo import Undo

# ``OT`` and 10 digits (``OT0000000001``) from the org's ``work_order`` counter.
WORK_ORDER_NUMBER = NumberFormat("OT", 10)


def open_work_order(
    uow: UnitOfWork,
    *,
    org_id: int,
    account_id: int | None,
    sell_id: int | None,
    type: WorkOrderType,
    status: WorkOrderStatus,
    subscription_ids: Iterable[int],
    installation: dict[str, Any] | None,
    actor: str,
    now: datetime,
    work_order_id: str | None = None,
    undo: Undo | None = None,
) -> WorkOrder:
    """A numbered work order with its first status and its lines.

    ``work_order_id``: its number when the caller took it already (``WORK_ORDER_NUMBER`` of
    the ``work_order`` counter; maybe a stand-in replaced at commit,
    ``sequences.numbers_at_commit``).
    ``undo``: what the order changed, for CANCEL (``workorders.undo``).
    """
    if work_order_id is None:
        number = next_value(uow.session, org_id=org_id, name="work_order")
        work_order_id = WORK_ORDER_NUMBER.text(number)
    order = WorkOrder(
        org_id=org_id,
        work_order_id=work_order_id,
        account_id=account_id,
        sell_id=sell_id,
        type_id=type,
        status_id=status,
        installation=installation,
        undo=undo.doc() if undo is not None else None,
        created_at=now,
    )
    uow.insert(order)
    at_commit.fix_objects(uow.session, [order], ["work_order_id"])
    uow.append(
        WorkOrderStatusChange,
        work_order_id=order.id,
        status_id=status,
        changed_at=now,
        modified_by=actor,
        reason=None,
    )
    for subscription_id in subscription_ids:
        uow.append(WorkOrderSubscription, work_order_id=order.id, subscription_id=subscription_id)
    return order


def move_status(
    session: Session,
    *,
    order: WorkOrder,
    target: WorkOrderStatus,
    actor: str,
    reason: str | None,
    now: datetime,
) -> None:
    """The order's status (possibly the same one), its history row (who, when, why) and its
    event."""
    previous = order.status_id
    order.status_id = target
    session.add(
        WorkOrderStatusChange(
            work_order_id=order.id,
            status_id=target,
            changed_at=now,
            modified_by=actor,
            reason=reason,
        )
    )
    session.flush()
    events.work_order_status_changed(session, order=order, previous=previous, now=now)


def close_order(
    session: Session,
    *,
    order_pk: int,
    target: WorkOrderStatus,
    reason: str,
    actor: str,
    now: datetime,
) -> None:
    """Move an order that is not final yet to ``target`` (a job finishing what it provisions)."""
    order = repository.get_order(session, work_order_pk=order_pk)
    if order is None or WorkOrderStatus(order.status_id).is_final:
        return
    move_status(session, order=order, target=target, actor=actor, reason=reason[:200], now=now)


def find(session: Session, *, org_id: int, work_order_id: str, lock: bool = False) -> WorkOrder:
    """The org's work order with this number (``OT…``); 404 for another org's."""
    order = repository.get_by_number(
        session, org_id=org_id, work_order_id=work_order_id, for_update=lock
    )
    if order is None:
        raise NotFound(f"work order {work_order_id} not found")
    return order


def lines_of(session: Session, *, order: WorkOrder) -> Sequence[Subscription]:
    return repository.subscriptions_of(session, work_order_pk=order.id)


def orders_of_sell(session: Session, *, sell_id: int) -> Sequence[WorkOrder]:
    return repository.orders_of_sell(session, sell_id=sell_id)


def history(session: Session, *, order: WorkOrder) -> Sequence[WorkOrderStatusChange]:
    return repository.status_history(session, work_order_pk=order.id)


def cancel_emptied_orders(
    session: Session, *, line_ids: Iterable[int], reason: str, actor: str, now: datetime
) -> list[WorkOrder]:
    """Open orders of these lines left with no live line → CANCELADA."""
    open_statuses = (WorkOrderStatus.PENDIENTE_CREAR_OT, WorkOrderStatus.EN_CURSO)
    orders = repository.orders_containing(
        session, subscription_ids=list(line_ids), status_ids=[int(s) for s in open_statuses]
    )
    cancelled = []
    for order in orders:
        if all(line.ended_at is not None for line in lines_of(session, order=order)):
            move_status(
                session,
                order=order,
                target=WorkOrderStatus.CANCELADA,
                actor=actor,
                reason=reason[:200],
                now=now,
            )
            cancelled.append(order)
    return cancelled
