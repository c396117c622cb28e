"""What each effect of ``change_types.EFFECTS`` writes.

Every effect first checks that it can be applied and refuses with ``ChangeNotAllowed`` (0089)
before writing anything: an undo needs the order's ``undo`` record, and the lines must still
be as the order left them (a later change is never silently overwritten; cancel that first).
The order's status history gets one row per change, with the actor and the reason; a
cancelling effect moves the order to CANCELADA and its sell to CANCELLED.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session

from mascustomers.models import Subscription, WorkOrder
from mascustomers.orders import lines, repository
from mascustomers.orders.parameters import Change
from mascustomers.penalties import service as penalties_service
from mascustomers.scheduler import queue
from mascustomers.scheduler.states import OperationStatus
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.devices import TERMINAL_ACTIVE
from mascustomers.subscriptions.states import SubscriptionStatus
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.change_types import Effect
from mascustomers.workorders.errors import ChangeNotAllowed
from mascustomers.workorders.states import WorkOrderStatus
from mascustomers.workorders.undo import (
    DeviceSaleUndo,
    MigrationUndo,
    SimUndo,
    TariffUndo,
    TerminationUndo,
    Undo,
)

CONTRACT_VOID = "ANULADO"
SELL_CANCELLED = "CANCELLED"
U = TypeVar("U", bound=Undo)


@dataclass(frozen=True)
class Applied:
    """One change being applied: the order, the parsed change and who asks, when, why."""

    order: WorkOrder
    change: Change
    reason: str
    actor: str
    now: datetime


def apply(session: Session, *, effect: Effect, applied: Applied) -> None:
    _APPLY[effect](session, applied)


def _refuse(applied: Applied, why: str) -> ChangeNotAllowed:
    order = applied.order
    return ChangeNotAllowed(
        f"work order {order.work_order_id}: {applied.change.type.value} is not possible: {why}"
    )


def _undo(applied: Applied, model: type[U]) -> U:
    try:
        return model.model_validate(applied.order.undo)
    except ValidationError as error:
        # Orders opened before their changes were recorded cannot be undone safely.
        raise _refuse(applied, "the order has no record of what it changed") from error


def _lines(session: Session, applied: Applied) -> Sequence[Subscription]:
    return workorders_service.lines_of(session, order=applied.order)


def _only_line(session: Session, applied: Applied) -> Subscription:
    found = _lines(session, applied)
    if len(found) != 1:
        raise _refuse(applied, f"the order has {len(found)} lines, not one")
    return found[0]


def _live(applied: Applied, line: Subscription) -> None:
    if line.ended_at is not None:
        status = SubscriptionStatus(line.status_id)
        raise _refuse(applied, f"line {line.id} is {status.label} since")


def _finish(session: Session, applied: Applied, target: WorkOrderStatus) -> None:
    order = applied.order
    workorders_service.move_status(
        session,
        order=order,
        target=target,
        actor=applied.actor,
        reason=applied.reason,
        now=applied.now,
    )
    if target is WorkOrderStatus.CANCELADA and order.sell_id is not None:
        sell = repository.get_sell(session, org_id=order.org_id, sell_id=order.sell_id)
        # A cancelled sell no longer counts (e.g. towards the SIM replacements of 30 days).
        if sell is not None and sell.status == "COMPLETED":
            sell.status = SELL_CANCELLED
            session.flush()


def _void_contract(session: Session, contract_pk: int | None) -> None:
    contract = repository.get_contract(session, contract_pk=contract_pk) if contract_pk else None
    if contract is not None:
        contract.status = CONTRACT_VOID
        session.flush()


def _end_new_lines(session: Session, applied: Applied) -> None:
    order, now = applied.order, applied.now
    cancelled = lines.cancel_lines(
        session, lines=_lines(session, applied), actor=applied.actor, now=now
    )
    _finish(session, applied, WorkOrderStatus.CANCELADA)
    if order.account_id is None:
        return
    if cancelled:
        penalties_service.charge_order_cancellation(
            session,
            org_id=order.org_id,
            account_id=order.account_id,
            order_reference=order.work_order_id,
            now=now,
        )
    lines.settle_account(session, org_id=order.org_id, account_id=order.account_id, now=now)


def _restore_bundle(session: Session, applied: Applied) -> None:
    undo = _undo(applied, MigrationUndo)
    moved = _lines(session, applied)
    old = repository.get_account_bundle(session, account_bundle_id=undo.from_account_bundle_id)
    new = repository.get_account_bundle(session, account_bundle_id=undo.to_account_bundle_id)
    if old is None or new is None or new.ended_at is not None:
        raise _refuse(applied, f"account bundle {undo.to_account_bundle_id} has ended since")
    for line in moved:
        _live(applied, line)
        after = undo.products.get(line.id, (line.product_id, line.product_id))[1]
        if line.account_bundle_id != new.id or line.product_id != after:
            raise _refuse(applied, f"line {line.id} changed bundle or tariff since")
    ids = {line.id for line in moved}
    for line in subscriptions_service.of_account(session, account_id=new.account_id):
        if line.account_bundle_id == new.id and line.ended_at is None and line.id not in ids:
            raise _refuse(applied, f"line {line.id} joined the bundle since; cancel its order")
    for line in moved:
        line.account_bundle_id = old.id
        before, after = undo.products.get(line.id, (line.product_id, line.product_id))
        if before != after:
            subscriptions_service.start_tariff_period(
                session,
                subscription=line,
                product_id=before,
                reason="ANULA_MIGRACION",
                now=applied.now,
            )
    # The old bundle again, as far as installation went meanwhile (its lines' states stay).
    old.ended_at = None
    old.status_id = new.status_id
    new.ended_at = applied.now
    new.status_id = SubscriptionStatus.CANCELADO
    _void_contract(session, undo.contract_id)
    _finish(session, applied, WorkOrderStatus.CANCELADA)


def _restore_tariff(session: Session, applied: Applied) -> None:
    undo = _undo(applied, TariffUndo)
    line = _only_line(session, applied)
    operation_id = undo.scheduled_operation_id
    operation = queue.get(session, operation_id=operation_id) if operation_id else None
    if operation is not None:
        withdrawn = queue.withdraw(
            session, operation_id=operation.id, reason=applied.reason, now=applied.now
        )
        if not withdrawn:
            session.refresh(operation)
        if withdrawn or operation.status != OperationStatus.DONE:
            # Withdrawn before it ran, or it never ran: the tariff was not changed.
            _finish(session, applied, WorkOrderStatus.CANCELADA)
            return
    _live(applied, line)
    if line.product_id != undo.to_product_id:
        raise _refuse(applied, f"line {line.id} changed tariff since")
    subscriptions_service.switch_product(
        session,
        line=line,
        product_id=undo.from_product_id,
        reason="ANULA_CAMBIO_TARIFA",
        actor=applied.actor,
        now=applied.now,
    )
    subscriptions_service.restore_services(
        session, line=line, active=undo.services, actor=applied.actor, now=applied.now
    )
    _finish(session, applied, WorkOrderStatus.CANCELADA)


def _restore_sim(session: Session, applied: Applied) -> None:
    undo = _undo(applied, SimUndo)
    line = _only_line(session, applied)
    _live(applied, line)
    if undo.old_iccid is None or line.iccid != undo.new_iccid:
        raise _refuse(applied, f"line {line.id} changed SIM since")
    if not subscriptions_service.restore_sim(
        session, line=line, old_iccid=undo.old_iccid, new_iccid=undo.new_iccid, now=applied.now
    ):
        raise _refuse(applied, f"SIM {undo.old_iccid} is not free to go back to line {line.id}")
    subscriptions_service.restore_blocks(
        session, line=line, block_ids=undo.lifted_block_ids, actor=applied.actor, now=applied.now
    )
    _void_contract(session, undo.contract_id)
    _finish(session, applied, WorkOrderStatus.CANCELADA)


def _void_device_sale(session: Session, applied: Applied) -> None:
    undo = _undo(applied, DeviceSaleUndo)
    terminal = repository.get_terminal(session, terminal_id=undo.subscription_terminal_id)
    if terminal is None or terminal.status_id != TERMINAL_ACTIVE:
        raise _refuse(applied, f"terminal {undo.subscription_terminal_id} is not active")
    if terminal.installments_billed:
        raise _refuse(applied, f"terminal {terminal.id} has installments invoiced")
    terminal.status_id = lines.TERMINAL_CANCELLED
    penalties_service.close_commitments(session, terminal_ids=[terminal.id], now=applied.now)
    _void_contract(session, undo.contract_id)
    _finish(session, applied, WorkOrderStatus.CANCELADA)


def _keep_line_live(session: Session, applied: Applied) -> None:
    undo = _undo(applied, TerminationUndo)
    line = _only_line(session, applied)
    if line.status_id != SubscriptionStatus.PENDIENTE_A_DESACTIVAR:
        status = SubscriptionStatus(line.status_id)
        raise _refuse(applied, f"line {line.id} is {status.label}, not PENDIENTE A DESACTIVAR")
    org_id = applied.order.org_id
    penalty_id = undo.computed_penalty_id
    if penalty_id is not None:
        refused = penalties_service.withdrawal_refused(
            session, org_id=org_id, computed_penalty_id=penalty_id
        )
        if refused is not None:
            raise _refuse(applied, refused)
    if not queue.withdraw(
        session, operation_id=undo.scheduled_operation_id, reason=applied.reason, now=applied.now
    ):
        raise _refuse(applied, f"the deactivation of line {line.id} has run already")
    if penalty_id is not None:
        penalties_service.withdraw(
            session, org_id=org_id, computed_penalty_id=penalty_id, now=applied.now
        )
    subscriptions_service.move_status(
        session,
        subscription=line,
        target=SubscriptionStatus(undo.previous_status_id),
        actor=applied.actor,
        now=applied.now,
    )
    termination = dict((line.details or {}).get("termination") or {})
    termination["withdrawn"] = {
        "work_order_id": applied.order.work_order_id,
        "at": applied.now.isoformat(),
        "by": applied.actor,
    }
    line.details = {**(line.details or {}), "termination": termination}
    _finish(session, applied, WorkOrderStatus.CANCELADA)


def _install(session: Session, applied: Applied) -> None:
    lines.install_lines(
        session, lines=_lines(session, applied), actor=applied.actor, now=applied.now
    )
    _finish(session, applied, WorkOrderStatus.COMPLETADA)


def _close(session: Session, applied: Applied) -> None:
    _finish(session, applied, WorkOrderStatus.COMPLETADA)


def _visit(session: Session, applied: Applied) -> None:
    order, change = applied.order, applied.change
    if change.new_date is not None:
        order.scheduled_date = change.new_date
    if change.installation is not None:
        order.installation = {**(order.installation or {}), **change.installation}
    # Not a status move, but kept in the same history with who, when and what.
    _finish(session, applied, WorkOrderStatus(order.status_id))


_APPLY: dict[Effect, Callable[[Session, Applied], None]] = {
    Effect.END_NEW_LINES: _end_new_lines,
    Effect.RESTORE_BUNDLE: _restore_bundle,
    Effect.RESTORE_TARIFF: _restore_tariff,
    Effect.RESTORE_SIM: _restore_sim,
    Effect.VOID_DEVICE_SALE: _void_device_sale,
    Effect.KEEP_LINE_LIVE: _keep_line_live,
    Effect.INSTALL: _install,
    Effect.CLOSE: _close,
    Effect.NEW_DATE: _visit,
    Effect.NEW_CONTACT: _visit,
    Effect.NEW_ADDRESS: _visit,
}
