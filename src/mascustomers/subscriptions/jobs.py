"""Scheduled work on subscriptions, run by the scheduler when it falls due.

Each handler executes its operation exactly once: it claims the row with a guarded UPDATE
(PENDING or leased RUNNING → DONE), so a second run — or a second scheduler instance — finds
nothing to do. A row that is not due yet is left alone. Like services, they flush and never
commit: the job's transaction does.

- ``apply_scheduled_product_change`` (PRODUCT_CHANGE, see ``products``): a line that ended
  meanwhile cancels the row instead.
- ``activate_ported_line`` (PORTABILITY_WINDOW, scheduled by the signup and by an approved
  risk hold at the start of the window day in the org's time zone): the ported-in line moves
  PENDIENTE ALTA → ACTIVO (history actor ``scheduler``) and its SIM to ACTIVA. A line no longer
  pending (activated earlier, cancelled, ended) is left as it is: nothing to activate.
- ``end_scheduled_bonus`` (BONUS_END, see ``bonuses``): carries out a bonus's end at its
  ``end_at`` — the row's ``ended_by`` becomes ``scheduler``, once (a guarded UPDATE too). The
  bonus is listed as inactive from ``end_at`` on whatever the scheduler's delay: reads go by
  the row's instants. A row whose end is no longer due then (removed meanwhile) cancels it.
"""

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.errors import NotFound
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import SimStatus
from mascustomers.models import ScheduledOperation
from mascustomers.outbox import jobs as bonus_events
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
from mascustomers.scheduler import queue
from mascustomers.subscriptions import repository
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.bonus_periods import BONUS_END
from mascustomers.subscriptions.bonus_periods import SCHEDULER_ACTOR as BONUS_ACTOR
from mascustomers.subscriptions.line_changes import claim_due
from mascustomers.subscriptions.products import apply_tariff_change
from mascustomers.subscriptions.reads import PRODUCT_CHANGE
from mascustomers.subscriptions.states import SubscriptionStatus

SCHEDULER_ACTOR = "scheduler"
log = logging.getLogger(__name__)


def apply_scheduled_product_change(
    session: Session, operation: ScheduledOperation, now: datetime
) -> bool:
    """Apply the due change; False when it was not due, already run, or cancelled."""
    claimed, line = claim_due(session, operation, kind=PRODUCT_CHANGE, now=now)
    if not claimed:
        return False
    if line is None or SubscriptionStatus(line.status_id).is_ended:
        queue.cancel(operation, reason="the line ended before the change was due", now=now)
        session.flush()
        return False
    product_id = int(operation.payload["product_id"])
    if line.product_id != product_id:
        apply_tariff_change(
            session,
            line=line,
            product_id=product_id,
            actor=SCHEDULER_ACTOR,
            now=now,
            reason="CAMBIO_PROGRAMADO",
        )
    return True


def end_scheduled_bonus(session: Session, operation: ScheduledOperation, now: datetime) -> bool:
    """Carry out the due end of a bonus; False when not due, already run, or cancelled."""
    if operation.kind != BONUS_END:
        raise ValueError(f"operation {operation.id} is a {operation.kind}, not {BONUS_END}")
    if operation.due_at > now:
        return False
    if not queue.claim(session, operation_id=operation.id, now=now):
        return False
    assert operation.subscription_id is not None
    row = repository.bonus_row_ending(
        session,
        subscription_id=operation.subscription_id,
        bonus_id=int(operation.payload["bonus_id"]),
        end=operation.due_at,
    )
    if row is None or not repository.record_bonus_end(
        session, bonus_row_id=row.id, actor=BONUS_ACTOR
    ):
        queue.cancel(
            operation, reason="no end of this bonus is due then (removed meanwhile)", now=now
        )
        session.flush()
        return False
    bonus_events.bonus_ended(session, row=row, now=now)
    return True


def activate_ported_line(session: Session, operation: ScheduledOperation, now: datetime) -> None:
    """Activate the operation's line and its SIM if the line still waits for its window."""
    if operation.subscription_id is None:
        raise NotFound(f"scheduled operation {operation.id} names no subscription")
    line = subscriptions_service.get(
        session, org_id=operation.org_id, subscription_id=operation.subscription_id
    )
    if line is None:
        raise NotFound(f"subscription {operation.subscription_id} not found")
    if line.status_id != SubscriptionStatus.PENDIENTE_ALTA:
        log.info(
            "portability window of subscription %s: status %s, nothing to activate",
            line.id,
            line.status_id,
        )
        return
    subscriptions_service.move_status(
        session, subscription=line, target=SubscriptionStatus.ACTIVO, actor=SCHEDULER_ACTOR, now=now
    )
    if line.iccid is not None:
        inventory_service.set_sim_status(
            session, org_id=line.org_id, iccid=line.iccid, status=SimStatus.ACTIVA, now=now
        )
    outbox.emit(session, EventType.PORTABILITY_COMPLETED, line, at=now)
