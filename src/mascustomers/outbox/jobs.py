"""Events of changes that take effect later: emitted when their time comes.

A bonus added from a ``scheduled_date`` starts on its own (its row carries the instant; no
job makes it start), so its ``subscription.bonus_started`` is an ``EMIT_EVENT`` scheduled
operation due at the start — run by the scheduler like any other, and by a test clock's
advance at that instant. If the bonus no longer starts then (removed before it began), the
operation is CANCELLED and nothing is emitted.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.models import ScheduledOperation, Subscription, SubscriptionBonus
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
from mascustomers.scheduler import queue

EMIT_EVENT = "EMIT_EVENT"


def bonus_added(
    session: Session, *, row: SubscriptionBonus, line: Subscription, now: datetime
) -> None:
    """``subscription.bonus_started`` now, or at the bonus's start (an EMIT_EVENT operation)."""
    if row.start_at <= now:
        outbox.emit(session, EventType.SUBSCRIPTION_BONUS_STARTED, row, at=now)
        return
    # Not flushed here (``queue.schedule`` flushes for the id, which nobody needs).
    values = queue.operation_values(
        org_id=line.org_id,
        kind=EMIT_EVENT,
        subscription_id=line.id,
        account_id=line.account_id,
        payload={"type": EventType.SUBSCRIPTION_BONUS_STARTED.value, "bonus_row_id": row.id},
        due_at=row.start_at,
        now=now,
        actor="events",
    )
    session.add(ScheduledOperation(**values))


def bonus_ended(session: Session, *, row: SubscriptionBonus, now: datetime) -> None:
    """``subscription.bonus_ended`` for a row that had started (its start was announced); one
    removed before its start never took effect, and says nothing."""
    if row.start_at <= now:
        outbox.emit(session, EventType.SUBSCRIPTION_BONUS_ENDED, row, at=now)


def emit_due_event(session: Session, operation: ScheduledOperation, now: datetime) -> None:
    """Handler of EMIT_EVENT: emit the event if what it announces still happens now."""
    row = session.get(SubscriptionBonus, int(operation.payload["bonus_row_id"]))
    starts = row is not None and row.start_at == operation.due_at
    if row is None or not starts or (row.end_at is not None and row.end_at <= row.start_at):
        queue.cancel(operation, reason="the bonus no longer starts then", now=now)
        return
    outbox.emit(session, EventType(operation.payload["type"]), row, at=now)
