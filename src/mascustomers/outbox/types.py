"""Every event type: its stable dotted name, what its snapshot shows, when it is emitted (pure).

Names never change once published; a new fact gets a new name. ``docs/events.md`` is the
reader's version of this table, and the OpenAPI document carries one JSON schema per type.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from mascustomers.catalog.statuses import SubscriptionStatus


class ObjectKind(StrEnum):
    """What ``data.object`` of an event is: the answer of the GET named in ``read``."""

    SELL = "sell"
    SUBSCRIPTION = "subscription"
    PRODUCTS = "subscription_products"
    BONUS = "subscription_bonus"
    SERVICE = "subscription_service"
    WORK_ORDER = "work_order"
    RISK_HOLD = "risk_hold"
    PENALTY = "computed_penalty"
    INVOICE = "invoice"
    WEBHOOK_ENDPOINT = "webhook_endpoint"


class EventType(StrEnum):
    SIGNUP_ACCEPTED = "signup.accepted"
    SIGNUP_HELD = "signup.held"
    SIGNUP_REJECTED = "signup.rejected"
    SUBSCRIPTION_ACTIVATED = "subscription.activated"
    SUBSCRIPTION_STATUS_CHANGED = "subscription.status_changed"
    SUBSCRIPTION_BLOCKED = "subscription.blocked"
    SUBSCRIPTION_UNBLOCKED = "subscription.unblocked"
    SUBSCRIPTION_TERMINATED = "subscription.terminated"
    SUBSCRIPTION_CANCELLED = "subscription.cancelled"
    SUBSCRIPTION_PRODUCT_CHANGE_SCHEDULED = "subscription.product_change_scheduled"
    SUBSCRIPTION_PRODUCT_CHANGED = "subscription.product_changed"
    SUBSCRIPTION_BONUS_STARTED = "subscription.bonus_started"
    SUBSCRIPTION_BONUS_ENDED = "subscription.bonus_ended"
    SUBSCRIPTION_SERVICE_CHANGED = "subscription.service_changed"
    SUBSCRIPTION_SIM_REPLACED = "subscription.sim_replaced"
    PORTABILITY_COMPLETED = "portability.completed"
    WORK_ORDER_STATUS_CHANGED = "work_order.status_changed"
    RISK_HOLD_DECIDED = "risk_hold.decided"
    PENALTY_CONFIRMED = "penalty.confirmed"
    PENALTY_DELETED = "penalty.deleted"
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_PAID = "invoice.paid"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"


@dataclass(frozen=True)
class TypeInfo:
    kind: ObjectKind
    # When it is emitted, as docs/events.md and the OpenAPI document say it.
    when: str
    # Whether ``data.previous`` is present, and what it holds.
    previous: str | None = None


_STATUS = "`subscription_status` before the change"
T = EventType
K = ObjectKind
TYPES: dict[EventType, TypeInfo] = {
    T.SIGNUP_ACCEPTED: TypeInfo(
        K.SELL,
        "An order placed through signups (POST signups, signups/subscriptions, "
        "signups/migration: `kind` SIGNUP, ADD_LINES, MIGRATION) was approved (risk `a`).",
    ),
    T.SIGNUP_HELD: TypeInfo(
        K.SELL, "Such an order is held by risk (`r` or `n/a`): it waits in ops/risk-holds."
    ),
    T.SIGNUP_REJECTED: TypeInfo(K.SELL, "Such an order was rejected (`x`): only its sell is kept."),
    T.SUBSCRIPTION_ACTIVATED: TypeInfo(
        K.SUBSCRIPTION,
        "A line is in service for the first time: a mobile line ACTIVO (SIM in the shop at "
        "approval, activate-sim, portability window), a fixed line INSTALADO.",
        _STATUS,
    ),
    T.SUBSCRIPTION_STATUS_CHANGED: TypeInfo(
        K.SUBSCRIPTION,
        "Any other status change of a line (PENDIENTE A DESACTIVAR, a withdrawn termination, "
        "a held line approved to PENDIENTE ALTA / PENDIENTE INSTALACION, …).",
        _STATUS,
    ),
    T.SUBSCRIPTION_BLOCKED: TypeInfo(
        K.SUBSCRIPTION, "The line moved to BLOQUEADO (a theft or loss block).", _STATUS
    ),
    T.SUBSCRIPTION_UNBLOCKED: TypeInfo(
        K.SUBSCRIPTION, "The line moved from BLOQUEADO back to ACTIVO.", _STATUS
    ),
    T.SUBSCRIPTION_TERMINATED: TypeInfo(K.SUBSCRIPTION, "The line moved to BAJA.", _STATUS),
    T.SUBSCRIPTION_CANCELLED: TypeInfo(
        K.SUBSCRIPTION, "The line moved to CANCELADO (before it went live).", _STATUS
    ),
    T.SUBSCRIPTION_PRODUCT_CHANGE_SCHEDULED: TypeInfo(
        K.PRODUCTS,
        "An approved tariff change was scheduled for a later date (shown under `scheduled`).",
    ),
    T.SUBSCRIPTION_PRODUCT_CHANGED: TypeInfo(
        K.PRODUCTS,
        "The line's tariff changed: at once, when a scheduled change fell due, in a bundle "
        "migration, or restored by cancelling a work order.",
        "`product_id` before the change",
    ),
    T.SUBSCRIPTION_BONUS_STARTED: TypeInfo(
        K.BONUS, "A bonus took effect: added without a date, or its scheduled start came."
    ),
    T.SUBSCRIPTION_BONUS_ENDED: TypeInfo(
        K.BONUS, "An active bonus ended: removed now, or its end fell due (BONUS_END)."
    ),
    T.SUBSCRIPTION_SERVICE_CHANGED: TypeInfo(
        K.SERVICE,
        "A service of the line was switched on or off (PATCH services/{serviceId}).",
        "`active` before the change",
    ),
    T.SUBSCRIPTION_SIM_REPLACED: TypeInfo(
        K.SUBSCRIPTION,
        "An approved SIM replacement put the line on its new card.",
        "`iccid` before the change",
    ),
    T.PORTABILITY_COMPLETED: TypeInfo(
        K.SUBSCRIPTION,
        "A ported-in line reached its portability window and went live (after its "
        "`subscription.activated`).",
    ),
    T.WORK_ORDER_STATUS_CHANGED: TypeInfo(
        K.WORK_ORDER,
        "A work order's status changed (completed, cancelled, out of a risk hold, …).",
        "`status` before the change",
    ),
    T.RISK_HOLD_DECIDED: TypeInfo(
        K.RISK_HOLD,
        "The back office approved or rejected a held order (`status` APPROVED or REJECTED).",
    ),
    T.PENALTY_CONFIRMED: TypeInfo(
        K.PENALTY, "A computed penalty was confirmed (PUT penalties, or a termination's)."
    ),
    T.PENALTY_DELETED: TypeInfo(K.PENALTY, "A confirmed penalty was withdrawn (DELETE penalties)."),
    T.INVOICE_ISSUED: TypeInfo(K.INVOICE, "A billing run issued the invoice (one event each)."),
    T.INVOICE_PAID: TypeInfo(K.INVOICE, "The invoice's payment was recorded (PAGADO)."),
    T.WEBHOOK_ENDPOINT_DISABLED: TypeInfo(
        K.WEBHOOK_ENDPOINT,
        "The delivery worker disabled an endpoint that kept failing (5 days without a "
        "successful attempt).",
    ),
}

# Endpoints subscribe to types by name, to every type (``*``) or to a family (``invoice.*``).
ALL = "*"


def signup_event(decision: str) -> EventType:
    """The event of an order's risk decision (``a``, ``r``, ``n/a``, ``x``)."""
    if decision == "a":
        return EventType.SIGNUP_ACCEPTED
    if decision == "x":
        return EventType.SIGNUP_REJECTED
    return EventType.SIGNUP_HELD


def subscription_status_event(
    previous: SubscriptionStatus, target: SubscriptionStatus, *, first_activation: bool
) -> EventType:
    """The one event of a line's status change."""
    if target == SubscriptionStatus.BAJA:
        return EventType.SUBSCRIPTION_TERMINATED
    if target == SubscriptionStatus.CANCELADO:
        return EventType.SUBSCRIPTION_CANCELLED
    if target == SubscriptionStatus.BLOQUEADO:
        return EventType.SUBSCRIPTION_BLOCKED
    if first_activation and target.is_in_service:
        return EventType.SUBSCRIPTION_ACTIVATED
    if previous == SubscriptionStatus.BLOQUEADO and target == SubscriptionStatus.ACTIVO:
        return EventType.SUBSCRIPTION_UNBLOCKED
    return EventType.SUBSCRIPTION_STATUS_CHANGED


def _families() -> set[str]:
    return {name.split(".")[0] for name in EventType}


def check_patterns(patterns: Iterable[str]) -> list[str]:
    """Type names, ``*`` or ``family.*``, deduplicated in order; ValueError naming a bad one."""
    families = _families()
    found: list[str] = []
    for raw in patterns:
        pattern = raw.strip()
        if pattern.endswith(".*"):
            known = pattern[:-2] in families
        else:
            known = pattern == ALL or pattern in EventType._value2member_map_
        if not known:
            raise ValueError(f"unknown event type {pattern!r}")
        if pattern not in found:
            found.append(pattern)
    return found


def expand(patterns: Iterable[str]) -> list[str]:
    """The type names ``patterns`` cover, in table order."""
    wanted = list(patterns)
    return [t.value for t in EventType if matches(wanted, t.value)]


def matches(patterns: Iterable[str], type_name: str) -> bool:
    for pattern in patterns:
        if pattern in (ALL, type_name):
            return True
        if pattern.endswith(".*") and type_name.startswith(pattern[:-1]):
            return True
    return False
