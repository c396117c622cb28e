"""What the operations on one line share: loading it, its state checks, dates, its work order.

A line can be *read* in any status. It can be *changed* only while it is live and decided:
not ended (CANCELADO, BAJA) and not held by risk (PENDIENTE RIESGO) — ``SubscriptionNotLive``.

Dates a channel asks for (``scheduled_date``) are calendar days in the org's time zone; an
operation scheduled for a day is due at the start of that day there. They must be after today.
"""

from datetime import date, datetime

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.auth.caller import Caller
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import NotFound
from mascustomers.models import Account, ScheduledOperation, Sell, Subscription, WorkOrder
from mascustomers.scheduler import queue
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.errors import (
    NotAMobileLine,
    ScheduledDateNotFuture,
    SubscriptionNotLive,
)
from mascustomers.subscriptions.states import SubscriptionStatus, SubscriptionType
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType
from mascustomers.workorders.undo import Undo


def load_line(
    session: Session, *, caller: Caller, subscription_id: int, lock: bool = False
) -> Subscription:
    """The caller's org's line, or 404 (another org's line does not exist for this caller)."""
    if lock:
        found = repository.lock_line(session, org_id=caller.org_id, subscription_id=subscription_id)
    else:
        found = repository.get_subscription(
            session, org_id=caller.org_id, subscription_id=subscription_id
        )
    if found is None:
        raise NotFound(f"subscription {subscription_id} not found")
    return found


def claim_due(
    session: Session, operation: ScheduledOperation, *, kind: str, now: datetime
) -> tuple[bool, Subscription | None]:
    """A due ``kind`` operation on a line, claimed (``scheduler.queue.claim``) after locking the
    line, as every writer of the line does (a change order undoing it too): whether this run
    has it, and the line (None when it is gone)."""
    if operation.kind != kind:
        raise ValueError(f"operation {operation.id} is a {operation.kind}, not {kind}")
    if operation.due_at > now:
        return False, None
    assert operation.subscription_id is not None
    line = repository.lock_line(
        session, org_id=operation.org_id, subscription_id=operation.subscription_id
    )
    if not queue.claim(session, operation_id=operation.id, now=now):
        return False, None
    return True, line


def lock(session: Session, *, org_id: int, subscription_id: int) -> Subscription | None:
    """The org's line, row-locked so concurrent writers on it queue up; None: no such line."""
    return repository.lock_line(session, org_id=org_id, subscription_id=subscription_id)


def require_changeable(subscription: Subscription) -> None:
    status = SubscriptionStatus(subscription.status_id)
    if status.is_ended or status == SubscriptionStatus.PENDIENTE_RIESGO:
        raise SubscriptionNotLive(
            f"subscriptionId: subscription {subscription.id} is {status.label}",
            subscription_id=subscription.id,
        )


def require_mobile(subscription: Subscription) -> None:
    if not SubscriptionType(subscription.type_id).is_mobile:
        raise NotAMobileLine(
            f"subscriptionId: subscription {subscription.id} is not a mobile line",
            subscription_id=subscription.id,
        )


def line_account(session: Session, *, subscription: Subscription) -> Account:
    account = accounts_service.get_account(
        session, org_id=subscription.org_id, account_id=subscription.account_id
    )
    assert account is not None  # a foreign key
    return account


def require_future(day: date, *, today: date, field: str) -> None:
    if day <= today:
        raise ScheduledDateNotFuture(
            f"{field}: {day.isoformat()} is not after today ({today.isoformat()})"
        )


def open_order(
    uow: UnitOfWork,
    *,
    caller: Caller,
    subscription: Subscription,
    sell: Sell,
    type: WorkOrderType,
    held: bool,
    scheduled_date: date | None = None,
    undo: Undo | None = None,
) -> WorkOrder:
    """The work order of one line's change (PENDIENTE RIESGO while the sell is held).

    ``undo``: what the change did, so that cancelling the order can restore it.
    """
    order = workorders_service.open_work_order(
        uow,
        org_id=caller.org_id,
        account_id=subscription.account_id,
        sell_id=sell.id,
        type=type,
        status=WorkOrderStatus.PENDIENTE_RIESGO if held else WorkOrderStatus.PENDIENTE_CREAR_OT,
        subscription_ids=[subscription.id],
        installation=None,
        actor=caller.actor,
        now=caller.now,
        undo=undo,
    )
    if scheduled_date is not None:
        order.scheduled_date = scheduled_date
        uow.session.flush()
    return order


def cancel_order(
    session: Session, *, order_id: int, actor: str, reason: str, now: datetime
) -> None:
    """Cancel a work order that has not finished (a superseded scheduled change)."""
    order = session.get(WorkOrder, order_id)
    if order is None or WorkOrderStatus(order.status_id).is_final:
        return
    workorders_service.move_status(
        session, order=order, target=WorkOrderStatus.CANCELADA, actor=actor, reason=reason, now=now
    )
