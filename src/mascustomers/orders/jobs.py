"""Scheduled back-office work, run by the scheduler when it falls due.

``run_deactivation`` executes one DEACTIVATION row (see ``terminations``) exactly once: it
claims the row with a guarded UPDATE (PENDING or leased RUNNING → DONE), so a second run — or
a second scheduler instance — does nothing. A row not due yet is left alone. A line no longer
PENDIENTE A DESACTIVAR (the termination was withdrawn, or the line ended otherwise) cancels
the row instead. The termination's BAJA work order follows: COMPLETADA when the line ends,
CANCELADA when the row is cancelled (if it is still open). It flushes and never commits: the
job's transaction does.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.models import ScheduledOperation
from mascustomers.orders import lines as order_lines
from mascustomers.orders.terminations import DEACTIVATION
from mascustomers.scheduler import queue
from mascustomers.subscriptions.line_changes import claim_due
from mascustomers.subscriptions.states import SubscriptionStatus
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus

SCHEDULER_ACTOR = "scheduler"


def run_deactivation(session: Session, operation: ScheduledOperation, now: datetime) -> bool:
    """End the line of a due DEACTIVATION (→ BAJA); False when not due, taken or withdrawn."""
    claimed, line = claim_due(session, operation, kind=DEACTIVATION, now=now)
    if not claimed:
        return False
    order_pk = operation.payload.get("work_order_id")
    if line is None or line.status_id != SubscriptionStatus.PENDIENTE_A_DESACTIVAR:
        reason = "the line is no longer pending deactivation"
        queue.cancel(operation, reason=reason, now=now)
        if isinstance(order_pk, int):
            workorders_service.close_order(
                session,
                order_pk=order_pk,
                target=WorkOrderStatus.CANCELADA,
                reason=reason,
                actor=SCHEDULER_ACTOR,
                now=now,
            )
        session.flush()
        return False
    order_lines.end_line(session, line=line, actor=SCHEDULER_ACTOR, now=now)
    order_lines.settle_account(session, org_id=line.org_id, account_id=line.account_id, now=now)
    if isinstance(order_pk, int):
        workorders_service.close_order(
            session,
            order_pk=order_pk,
            target=WorkOrderStatus.COMPLETADA,
            reason="DEACTIVATION: la linea pasa a BAJA",
            actor=SCHEDULER_ACTOR,
            now=now,
        )
    return True
