"""Ending a line from the back office, with a motive from master data.

Motives (``deactivation_motives`` of master data; ids are the data's): a *termination* motive
(ids 1…) ends a live line (ACTIVO, INSTALADO) — at once (→ BAJA: number back to the pool, SIM
out of use, commitments closed) or on a later ``date`` (→ PENDIENTE A DESACTIVAR, 82, and a
``DEACTIVATION`` scheduled operation due at the start of that day, which ``jobs`` runs). A
*cancellation* motive (ids 101…) stops a line not live yet (PENDIENTE ALTA, PENDIENTE
INSTALACION) at once (→ CANCELADO, inventory back in stock); it takes no date. A line held by
risk is decided through the risk holds.

``with_penalties`` computes what ending the line owes on its effective day (the line's
commitments; a fixed line's also its bundle's) and confirms it at once: it is charged on the
next invoice. The motive is kept in the line's ``details["termination"]``.

A termination opens a BAJA work order: COMPLETADA at once when the line ends now; PENDIENTE
CREAR OT for one on a date, completed by its DEACTIVATION, or cancelled (change-order CANCEL)
to keep the line live (``workorders.change_types``).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import master_data
from mascustomers.catalog.errors import UnknownMasterData
from mascustomers.catalog.master_data import MasterDataItem, MasterDataList
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import start_of_day
from mascustomers.models import ScheduledOperation, Subscription, WorkOrder
from mascustomers.orders import lines as order_lines
from mascustomers.orders.errors import (
    MotiveNotApplicable,
    TerminationDateNotFuture,
    TerminationNotAllowed,
)
from mascustomers.penalties import service as penalties_service
from mascustomers.scheduler import queue
from mascustomers.subscriptions import line_changes
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.states import SubscriptionStatus
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType
from mascustomers.workorders.undo import TerminationUndo

DEACTIVATION = "DEACTIVATION"
# Live lines, also while barred (SUSPENDIDO for unpaid invoices, BLOQUEADO for theft or loss).
LIVE = frozenset(
    {
        SubscriptionStatus.ACTIVO,
        SubscriptionStatus.INSTALADO,
        SubscriptionStatus.SUSPENDIDO,
        SubscriptionStatus.BLOQUEADO,
    }
)
NOT_LIVE_YET = frozenset(
    {SubscriptionStatus.PENDIENTE_ALTA, SubscriptionStatus.PENDIENTE_INSTALACION}
)


class MotiveKind(StrEnum):
    TERMINATION = "termination"
    CANCELLATION = "cancellation"


@dataclass(frozen=True)
class Termination:
    line: Subscription
    motive: MasterDataItem
    kind: MotiveKind
    effective_date: date
    scheduled_operation_id: int | None
    computed_penalty_id: int | None
    work_order_id: str | None


def motive(motive_id: int) -> tuple[MotiveKind, MasterDataItem]:
    """The master-data motive with this id and whether it terminates or cancels."""
    for kind, source in (
        (MotiveKind.TERMINATION, MasterDataList.TERMINATION_MOTIVES),
        (MotiveKind.CANCELLATION, MasterDataList.CANCELLATION_MOTIVES),
    ):
        item = master_data.entry(source, motive_id)
        if item is not None:
            return kind, item
    raise UnknownMasterData(
        f"motive_id: {motive_id} is not a termination or cancellation motive", field="motive_id"
    )


def check(status: SubscriptionStatus, kind: MotiveKind, on: date | None, today: date) -> None:
    """Whether a line in ``status`` can be ended with a motive of ``kind`` (on day ``on``)."""
    if kind is MotiveKind.CANCELLATION:
        if on is not None:
            raise ValidationFailed(
                "deactivation_date: a cancellation takes effect at once",
                field="deactivation_date",
            )
        if status not in NOT_LIVE_YET:
            raise MotiveNotApplicable(
                f"motive_id: a cancellation motive stops a line not live yet; this one is "
                f"{status.label}"
            )
        return
    if status in NOT_LIVE_YET:
        raise MotiveNotApplicable(
            f"motive_id: the line is {status.label}; a line not live yet is stopped with a "
            "cancellation motive"
        )
    if status not in LIVE:
        raise TerminationNotAllowed(f"the line is {status.label} and cannot be terminated")
    if on is not None and on <= today:
        raise TerminationDateNotFuture(
            f"deactivation_date: {on.isoformat()} is not after today ({today.isoformat()}); "
            "omit it to terminate now"
        )


def terminate(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    motive_id: int,
    on: date | None,
    with_penalties: bool,
) -> Termination:
    """End the line now or on ``on``, optionally charging its penalties."""
    tz = caller.tz
    line = line_changes.lock(session, org_id=caller.org_id, subscription_id=subscription_id)
    if line is None:
        raise NotFound(f"subscription {subscription_id} not found")
    kind, item = motive(motive_id)
    check(SubscriptionStatus(line.status_id), kind, on, caller.today)
    effective = on or caller.today
    penalty_id = None
    if with_penalties:
        stored = penalties_service.charge_line_termination(
            session, org_id=caller.org_id, line=line, on=effective, now=caller.now
        )
        penalty_id = stored.penalty.id
    line.details = {
        **(line.details or {}),
        "termination": {
            "kind": kind.value,
            "motive_id": item.id,
            "motive": item.value,
            "date": effective.isoformat(),
            "requested_by": caller.actor,
        },
    }
    operation_id = order = None
    if kind is MotiveKind.CANCELLATION:
        _cancel(session, caller=caller, line=line, motive=item)
    elif on is None:
        order_lines.end_line(session, line=line, actor=caller.actor, now=caller.now)
        order_lines.settle_account(
            session, org_id=caller.org_id, account_id=line.account_id, now=caller.now
        )
        order = _baja_order(session, caller=caller, line=line, undo=None)
    else:
        previous = line.status_id
        operation = _schedule(session, caller=caller, line=line, on=on, motive=item, tz=tz)
        operation_id = operation.id
        undo = TerminationUndo(
            previous_status_id=previous,
            scheduled_operation_id=operation.id,
            computed_penalty_id=penalty_id,
        )
        order = _baja_order(session, caller=caller, line=line, undo=undo)
        # The job completes the order when it ends the line.
        operation.payload = {**operation.payload, "work_order_id": order.id}
    session.flush()
    number = order.work_order_id if order is not None else None
    return Termination(line, item, kind, effective, operation_id, penalty_id, number)


def _baja_order(
    session: Session, *, caller: Caller, line: Subscription, undo: TerminationUndo | None
) -> WorkOrder:
    """The BAJA work order: open while the line waits for its date, else done at once."""
    return workorders_service.open_work_order(
        UnitOfWork(session),
        org_id=caller.org_id,
        account_id=line.account_id,
        sell_id=None,
        type=WorkOrderType.BAJA,
        status=WorkOrderStatus.COMPLETADA if undo is None else WorkOrderStatus.PENDIENTE_CREAR_OT,
        subscription_ids=[line.id],
        installation=None,
        actor=caller.actor,
        now=caller.now,
        undo=undo,
    )


def _cancel(
    session: Session, *, caller: Caller, line: Subscription, motive: MasterDataItem
) -> None:
    order_lines.cancel_lines(session, lines=[line], actor=caller.actor, now=caller.now)
    workorders_service.cancel_emptied_orders(
        session,
        line_ids=[line.id],
        reason=f"CANCELACION LINEA {line.id}: {motive.value}",
        actor=caller.actor,
        now=caller.now,
    )
    order_lines.settle_account(
        session, org_id=caller.org_id, account_id=line.account_id, now=caller.now
    )


def _schedule(
    session: Session,
    *,
    caller: Caller,
    line: Subscription,
    on: date,
    motive: MasterDataItem,
    tz: str,
) -> ScheduledOperation:
    subscriptions_service.move_status(
        session,
        subscription=line,
        target=SubscriptionStatus.PENDIENTE_A_DESACTIVAR,
        actor=caller.actor,
        now=caller.now,
    )
    return queue.schedule(
        session,
        org_id=line.org_id,
        kind=DEACTIVATION,
        subscription_id=line.id,
        account_id=line.account_id,
        payload={"motive_id": motive.id, "motive": motive.value, "date": on.isoformat()},
        due_at=start_of_day(on, tz),
        now=caller.now,
        actor=caller.actor,
    )
