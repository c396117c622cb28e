"""Scheduled work on subscriptions, run by the scheduler when it falls due.

``apply_scheduled_product_change`` executes one PRODUCT_CHANGE row (see ``products``) exactly
once: it claims the row with a guarded UPDATE (PENDING or leased RUNNING → DONE), so a second
run — or a second scheduler instance — finds nothing to do. A row that is not due yet is left
alone. A line that ended meanwhile cancels the row instead. Like services, it flushes and
never commits: the job's transaction does.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.models import ScheduledOperation
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.product_reads import PRODUCT_CHANGE
from mascustomers.subscriptions.products import apply_change
from mascustomers.subscriptions.states import SubscriptionStatus

SCHEDULER_ACTOR = "scheduler"


def apply_scheduled_product_change(
    session: Session, operation: ScheduledOperation, now: datetime
) -> bool:
    """Apply the due change; False when it was not due, already run, or cancelled."""
    if operation.kind != PRODUCT_CHANGE:
        raise ValueError(f"operation {operation.id} is a {operation.kind}, not {PRODUCT_CHANGE}")
    if operation.due_at > now:
        return False
    assert operation.subscription_id is not None
    # The line first, as every writer of it (a change order undoing this change too).
    line = repository.lock_line(
        session, org_id=operation.org_id, subscription_id=operation.subscription_id
    )
    if not repository.claim_operation(session, operation_id=operation.id, now=now):
        return False
    if line is None or SubscriptionStatus(line.status_id).is_ended:
        operation.status = "CANCELLED"
        operation.last_error = "the line ended before the change was due"
        session.flush()
        return False
    product_id = int(operation.payload["product_id"])
    if line.product_id != product_id:
        apply_change(
            session,
            line=line,
            product_id=product_id,
            actor=SCHEDULER_ACTOR,
            now=now,
            reason="CAMBIO_PROGRAMADO",
        )
    return True
