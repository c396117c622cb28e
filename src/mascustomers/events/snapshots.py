"""What an event says about its object: ids, and the object as its GET answers at that moment.

Each kind of object is shown by the read function and schema of the GET that shows it (the
same call, in the emitting transaction, after a flush): an integrator sees in ``data.object``
exactly what that GET would have answered right after the change.

Imported by ``outbox.service`` on first use, never by the domains: it imports their read
functions, and they import the outbox.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.accounts.reads import invoice_info
from mascustomers.auth.caller import Caller
from mascustomers.kit.clock import format_timestamp, local_date
from mascustomers.models import (
    Invoice,
    Subscription,
    SubscriptionBonus,
    SubscriptionService,
    WebhookEndpoint,
    WorkOrder,
)
from mascustomers.ops.schemas import HeldOrder, WorkOrderView
from mascustomers.orders.holds import HoldDecision
from mascustomers.outbox import repository
from mascustomers.outbox.changes import DecidedOrder
from mascustomers.outbox.service import Built
from mascustomers.outbox.types import TYPES, EventType, ObjectKind
from mascustomers.penalties.schemas import ComputedPenalty, Penalty
from mascustomers.penalties.service import StoredPenalty
from mascustomers.signups.reads import summary
from mascustomers.subscriptions import bonuses, line_services, reads

Builder = Callable[[Session, Any, datetime], Built]
# What the line GETs show in an event: the optional parts that say where the line comes from.
LINE_INCLUDES = frozenset({"origin", "selldate"})


def build(session: Session, type: EventType, source: Any, at: datetime) -> Built:
    """The event's org, ids and snapshot (reads see what the transaction has written)."""
    kind = TYPES[type].kind
    if kind in _READING:
        # The read functions run straight on the driver: they see only what was flushed.
        session.flush()
    return BUILDERS[kind](session, source, at)


def _timezone(session: Session, org_id: int) -> str:
    """The org's time zone, read once per session (a billing run emits one event per
    invoice)."""
    known: dict[int, str] = session.info.setdefault("mascustomers.events.timezones", {})
    if org_id not in known:
        known[org_id] = repository.org_timezone(session, org_id)
    return known[org_id]


def _caller(session: Session, org_id: int, at: datetime) -> Caller:
    """The read functions take the caller for its org and time; events have no caller."""
    timezone = _timezone(session, org_id)
    return Caller(
        org_id=org_id, org_slug="", actor="events", now=at, today=local_date(at, timezone)
    )


def _sell(session: Session, decided: DecidedOrder, at: datetime) -> Built:
    sell, order = decided.sell, decided.work_order_id
    if order is None:
        session.flush()
        order = session.scalar(select(WorkOrder.work_order_id).where(WorkOrder.sell_id == sell.id))
    return Built(
        org_id=sell.org_id,
        subject={
            "sell_id": sell.id,
            "customer_id": sell.customer_id,
            "account_id": sell.account_id,
            "work_order_id": order,
        },
        object=summary(sell, order).model_dump(mode="json"),
    )


def _line_subject(line: Subscription) -> dict[str, int | str | None]:
    return {"subscription_id": line.id, "account_id": line.account_id}


def _subscription(session: Session, line: Subscription, at: datetime) -> Built:
    detail = reads.subscription_detail(
        session,
        caller=_caller(session, line.org_id, at),
        subscription_id=line.id,
        include=LINE_INCLUDES,
    )
    return Built(
        line.org_id, _line_subject(line), detail.model_dump(mode="json", exclude_unset=True)
    )


def _products(session: Session, line: Subscription, at: datetime) -> Built:
    view = reads.products_view(
        session,
        caller=_caller(session, line.org_id, at),
        subscription_id=line.id,
        include=frozenset(),
    )
    return Built(line.org_id, _line_subject(line), view.model_dump(mode="json", exclude_unset=True))


def _bonus(session: Session, row: SubscriptionBonus, at: datetime) -> Built:
    line = session.get(Subscription, row.subscription_id)
    assert line is not None
    view = bonuses.bonuses_view(
        session,
        caller=_caller(session, line.org_id, at),
        subscription_id=line.id,
        filters=frozenset(bonuses.BONUS_FILTERS),
    )
    start = format_timestamp(row.start_at)
    item = next(i for i in view.items if i.id == row.bonus_id and i.start_date == start)
    subject = {**_line_subject(line), "bonus_id": row.bonus_id}
    return Built(line.org_id, subject, item.model_dump(mode="json"))


def _service(session: Session, row: SubscriptionService, at: datetime) -> Built:
    line = session.get(Subscription, row.subscription_id)
    assert line is not None
    view = line_services.services_view(
        session, caller=_caller(session, line.org_id, at), subscription_id=line.id, filter=None
    )
    item = next(i for i in view.items if i.id == row.service_id)
    subject = {**_line_subject(line), "service_id": row.service_id}
    return Built(line.org_id, subject, item.model_dump(mode="json"))


def _work_order(session: Session, order: WorkOrder, at: datetime) -> Built:
    return Built(
        org_id=order.org_id,
        subject={"work_order_id": order.work_order_id, "account_id": order.account_id},
        object=WorkOrderView.of(session, order).model_dump(mode="json"),
    )


def _risk_hold(session: Session, decision: HoldDecision, at: datetime) -> Built:
    sell = decision.sell
    return Built(
        org_id=sell.org_id,
        subject={"sell_id": sell.id, "account_id": sell.account_id},
        object=HeldOrder.of(decision).model_dump(mode="json"),
    )


def _penalty(session: Session, stored: StoredPenalty, at: datetime) -> Built:
    penalty = stored.penalty
    shown = ComputedPenalty(
        computed_penalty_id=penalty.id,
        mobile_operator_id=penalty.mobile_operator_id,
        penalties=[Penalty.of(line) for line in stored.lines],
    )
    return Built(
        org_id=penalty.org_id,
        subject={
            "computed_penalty_id": penalty.id,
            "account_id": penalty.account_id,
            "subscription_id": penalty.subscription_id,
        },
        object=shown.model_dump(mode="json"),
    )


def _invoice(session: Session, invoice: Invoice | Mapping[str, Any], at: datetime) -> Built:
    """An ``Invoice``, or the row a billing run inserted (a mapping with its ``id``)."""
    row: Any = SimpleNamespace(**invoice) if isinstance(invoice, Mapping) else invoice
    timezone = _timezone(session, row.org_id)
    return Built(
        org_id=row.org_id,
        subject={"invoice_id": row.id, "account_id": row.account_id, "number": row.number},
        object=invoice_info(row, timezone).model_dump(mode="json"),
    )


def _endpoint(session: Session, endpoint: WebhookEndpoint, at: datetime) -> Built:
    from mascustomers.events.schemas import WebhookEndpointView

    return Built(
        org_id=endpoint.org_id,
        subject={"webhook_endpoint_id": endpoint.id},
        object=WebhookEndpointView.of(endpoint).model_dump(mode="json"),
    )


# Kinds whose snapshot is read back from the database (the others are built from the objects
# the service holds).
_READING = frozenset(
    {
        ObjectKind.SUBSCRIPTION,
        ObjectKind.PRODUCTS,
        ObjectKind.BONUS,
        ObjectKind.SERVICE,
        ObjectKind.WORK_ORDER,
    }
)
BUILDERS: dict[ObjectKind, Builder] = {
    ObjectKind.SELL: _sell,
    ObjectKind.SUBSCRIPTION: _subscription,
    ObjectKind.PRODUCTS: _products,
    ObjectKind.BONUS: _bonus,
    ObjectKind.SERVICE: _service,
    ObjectKind.WORK_ORDER: _work_order,
    ObjectKind.RISK_HOLD: _risk_hold,
    ObjectKind.PENALTY: _penalty,
    ObjectKind.INVOICE: _invoice,
    ObjectKind.WEBHOOK_ENDPOINT: _endpoint,
}
