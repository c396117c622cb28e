"""Risk holds: orders stored HELD (decision ``r`` or ``n/a``) waiting for the back office.

Approving continues the order as if it had been approved at once: each PENDIENTE RIESGO line
goes where it would have gone (``approved_status``), held terminals become active, the
bundle waits for its installation, the account is ACTIVO and the work order PENDIENTE CREAR
OT. Held signups, added lines and device sales can be approved here; a held product change,
SIM replacement or bundle migration is continued by its own domain and is refused (0091).

Rejecting cancels what the order stored: its lines → CANCELADO with numbers and SIMs back in
stock, held terminals cancelled with their commitments, the SIM a replacement had reserved
released, its work orders CANCELADA, and the account closed when nothing is left on it. Any
held order can be rejected. No cancellation cost is charged: the operator refused the order.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.states import AccountStatus
from mascustomers.auth.caller import Caller
from mascustomers.errors import NotFound
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import SimStatus
from mascustomers.kit.clock import start_of_day
from mascustomers.models import Sell, Subscription, WorkOrder
from mascustomers.orders import lines as order_lines
from mascustomers.orders import repository
from mascustomers.orders.errors import HoldNotApprovable, SellNotHeld
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
from mascustomers.scheduler import queue
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.devices import TERMINAL_ACTIVE, TERMINAL_PENDING_RISK
from mascustomers.subscriptions.states import Origin, SubscriptionStatus, SubscriptionType
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus

APPROVABLE_KINDS = frozenset({"SIGNUP", "ADD_LINES", "DEVICE"})
TERMINAL_CANCELLED = 6
PORTABILITY_WINDOW = "PORTABILITY_WINDOW"
# Lines a technician installs: fixed lines and the TV that follows them.
_INSTALLED = frozenset(
    {SubscriptionType.LANDLINE, SubscriptionType.FTTH, SubscriptionType.ADSL, SubscriptionType.TV}
)


@dataclass(frozen=True)
class HoldDecision:
    sell: Sell
    lines: list[Subscription]
    orders: list[WorkOrder]


def approved_status(
    kind: SubscriptionType, *, ported: bool, sim_in_shop: bool
) -> SubscriptionStatus:
    """Where a held line goes once approved (what the order would have given it at once)."""
    if kind.is_mobile:
        return (
            SubscriptionStatus.ACTIVO
            if sim_in_shop and not ported
            else (SubscriptionStatus.PENDIENTE_ALTA)
        )
    if kind in _INSTALLED:
        return SubscriptionStatus.PENDIENTE_INSTALACION
    return SubscriptionStatus.ACTIVO


def shop_iccids(request: Any) -> set[str]:
    """ICCIDs the channel named in the order (SIMs handed in the shop), not the donor's."""
    found: set[str] = set()

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "portability_info":
                    continue
                if key == "iccid" and isinstance(item, str):
                    yield item
                else:
                    yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    found.update(walk(request))
    return found


def list_holds(
    session: Session, *, org_id: int, kind: str | None, limit: int, offset: int
) -> list[HoldDecision]:
    """The org's held orders, oldest first, with their lines and work orders."""
    sells = repository.held_sells(session, org_id=org_id, kind=kind, limit=limit, offset=offset)
    lines = repository.lines_of_sells(session, sell_ids=[sell.id for sell in sells])
    return [
        HoldDecision(
            sell=sell,
            lines=[line for line in lines if line.sell_id == sell.id],
            orders=list(workorders_service.orders_of_sell(session, sell_id=sell.id)),
        )
        for sell in sells
    ]


def _held(session: Session, *, org_id: int, sell_id: int) -> Sell:
    sell = repository.get_sell(session, org_id=org_id, sell_id=sell_id, lock=True)
    if sell is None:
        raise NotFound(f"order (sell) {sell_id} not found")
    if sell.status != "HELD":
        raise SellNotHeld(f"order {sell_id} is {sell.status}, not held by risk")
    return sell


def approve(session: Session, *, caller: Caller, sell_id: int) -> HoldDecision:
    """Continue a held order as approved."""
    tz = caller.tz
    sell = _held(session, org_id=caller.org_id, sell_id=sell_id)
    if sell.kind not in APPROVABLE_KINDS:
        raise HoldNotApprovable(
            f"a held {sell.kind} is continued by its own operation; reject it or resend it"
        )
    handed = shop_iccids(sell.request)
    lines = list(repository.lines_of_sells(session, sell_ids=[sell.id]))
    for line in lines:
        if line.status_id == SubscriptionStatus.PENDIENTE_RIESGO:
            _release_line(session, caller=caller, line=line, handed=handed, tz=tz)
    for terminal in repository.terminals_of_sell(
        session, sell_id=sell.id, status_id=TERMINAL_PENDING_RISK
    ):
        terminal.status_id = TERMINAL_ACTIVE
    for bundle_id in {line.account_bundle_id for line in lines if line.account_bundle_id}:
        bundle = repository.get_account_bundle(session, account_bundle_id=bundle_id)
        if bundle is not None and bundle.status_id == SubscriptionStatus.PENDIENTE_RIESGO:
            bundle.status_id = SubscriptionStatus.PENDIENTE_INSTALACION
    if sell.account_id is not None:
        account = accounts_service.get_account(
            session, org_id=caller.org_id, account_id=sell.account_id
        )
        if account is not None and account.status_id == AccountStatus.PENDIENTE_RIESGO:
            account.status_id = AccountStatus.ACTIVO
            account.activated_at = account.activated_at or caller.now
    orders = list(workorders_service.orders_of_sell(session, sell_id=sell.id))
    _move_orders(session, caller, orders, WorkOrderStatus.PENDIENTE_CREAR_OT, "RIESGO APROBADO")
    return _decide(
        session, caller=caller, sell=sell, status="COMPLETED", lines=lines, orders=orders
    )


def _release_line(
    session: Session, *, caller: Caller, line: Subscription, handed: set[str], tz: str
) -> None:
    kind = SubscriptionType(line.type_id)
    ported = line.origin_id == Origin.PORTABILIDAD
    target = approved_status(kind, ported=ported, sim_in_shop=line.iccid in handed)
    subscriptions_service.move_status(
        session, subscription=line, target=target, actor=caller.actor, now=caller.now
    )
    if kind.is_mobile and target == SubscriptionStatus.ACTIVO and line.iccid:
        inventory_service.set_sim_status(
            session, org_id=line.org_id, iccid=line.iccid, status=SimStatus.ACTIVA, now=caller.now
        )
    portability = (line.details or {}).get("portability") or {}
    if kind.is_mobile and ported and portability.get("scheduled_date"):
        window = date.fromisoformat(str(portability["scheduled_date"]))
        queue.schedule(
            session,
            org_id=line.org_id,
            kind=PORTABILITY_WINDOW,
            subscription_id=line.id,
            account_id=line.account_id,
            payload={},
            due_at=start_of_day(window, tz),
            now=caller.now,
            actor=caller.actor,
        )


def reject(session: Session, *, caller: Caller, sell_id: int) -> HoldDecision:
    """Cancel everything a held order stored and release its inventory."""
    sell = _held(session, org_id=caller.org_id, sell_id=sell_id)
    lines = list(repository.lines_of_sells(session, sell_ids=[sell.id]))
    order_lines.cancel_lines(session, lines=lines, actor=caller.actor, now=caller.now)
    terminals = repository.terminals_of_sell(
        session, sell_id=sell.id, status_id=TERMINAL_PENDING_RISK
    )
    for terminal in terminals:
        terminal.status_id = TERMINAL_CANCELLED
    repository.close_terminal_commitments(
        session, terminal_ids=[t.id for t in terminals], now=caller.now
    )
    _release_reserved_sim(session, sell=sell, now=caller.now)
    orders = list(workorders_service.orders_of_sell(session, sell_id=sell.id))
    _move_orders(session, caller, orders, WorkOrderStatus.CANCELADA, "RIESGO RECHAZADO")
    if sell.account_id is not None:
        order_lines.settle_account(
            session, org_id=caller.org_id, account_id=sell.account_id, now=caller.now
        )
    return _decide(session, caller=caller, sell=sell, status="REJECTED", lines=lines, orders=orders)


def _release_reserved_sim(session: Session, *, sell: Sell, now: datetime) -> None:
    """A held SIM replacement reserved its new SIM (``request.new_icc``): back to stock."""
    iccid = sell.request.get("new_icc") if sell.kind == "SIM_REPLACEMENT" else None
    if not isinstance(iccid, str):
        return
    sim = repository.get_sim(session, org_id=sell.org_id, iccid=iccid)
    if sim is not None and sim.status_id == SimStatus.RESERVADA and sim.subscription_id is None:
        inventory_service.set_sim_status(
            session, org_id=sell.org_id, iccid=iccid, status=SimStatus.DISPONIBLE, now=now
        )


def _move_orders(
    session: Session,
    caller: Caller,
    orders: list[WorkOrder],
    target: WorkOrderStatus,
    reason: str,
) -> None:
    for order in orders:
        if order.status_id == WorkOrderStatus.PENDIENTE_RIESGO:
            workorders_service.move_status(
                session,
                order=order,
                target=target,
                actor=caller.actor,
                reason=reason,
                now=caller.now,
            )


def _decide(
    session: Session,
    *,
    caller: Caller,
    sell: Sell,
    status: str,
    lines: list[Subscription],
    orders: list[WorkOrder],
) -> HoldDecision:
    sell.status = status
    sell.decided_at = caller.now
    session.flush()
    decision = HoldDecision(sell=sell, lines=lines, orders=orders)
    outbox.emit(session, EventType.RISK_HOLD_DECIDED, decision, at=caller.now)
    return decision
