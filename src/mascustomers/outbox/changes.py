"""The one-line hooks the domains call where state changes: each picks the event type and the
``previous`` values, then ``outbox.emit``. Kept here so that a service's hook stays a call."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.catalog.statuses import SubscriptionStatus, WorkOrderStatus
from mascustomers.models import Sell, Subscription, WorkOrder
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType, signup_event, subscription_status_event


def _label(status: SubscriptionStatus | WorkOrderStatus) -> dict[str, Any]:
    return {"id": int(status), "value": status.label}


@dataclass(frozen=True)
class DecidedOrder:
    sell: Sell
    # Its work order's number when the caller has it at hand (else it is looked up).
    work_order_id: str | None = None


def order_decided(
    session: Session,
    *,
    sell: Sell,
    decision: str,
    now: datetime,
    work_order_id: str | None = None,
) -> None:
    """``signup.accepted`` / ``held`` / ``rejected`` for an order placed through signups."""
    outbox.emit(session, signup_event(decision), DecidedOrder(sell, work_order_id), at=now)


def line_status_changed(
    session: Session,
    *,
    line: Subscription,
    previous: SubscriptionStatus,
    first_activation: bool,
    now: datetime,
) -> None:
    target = SubscriptionStatus(line.status_id)
    type_ = subscription_status_event(previous, target, first_activation=first_activation)
    outbox.emit(session, type_, line, at=now, previous={"subscription_status": _label(previous)})


def product_changed(session: Session, *, line: Subscription, previous: int, now: datetime) -> None:
    if previous != line.product_id:
        previous_product = {"product_id": previous}
        outbox.emit(
            session, EventType.SUBSCRIPTION_PRODUCT_CHANGED, line, at=now, previous=previous_product
        )


def work_order_status_changed(
    session: Session, *, order: WorkOrder, previous: int, now: datetime
) -> None:
    if previous != order.status_id:
        outbox.emit(
            session,
            EventType.WORK_ORDER_STATUS_CHANGED,
            order,
            at=now,
            previous={"status": _label(WorkOrderStatus(previous))},
        )
