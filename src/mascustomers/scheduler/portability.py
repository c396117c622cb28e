"""PORTABILITY_WINDOW: a ported-in mobile line starts working on its window date.

Scheduled by the signup (``signups.lines.schedule``) at the start of the window day in the
org's time zone. At that time the line moves PENDIENTE ALTA → ACTIVO (history actor
``scheduler``) and its SIM to ACTIVA. A line that is no longer pending (activated earlier,
cancelled, ended) is left as it is: the operation is done, there is nothing to activate.
"""

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.catalog import inventory_service
from mascustomers.catalog.inventory_states import SimStatus
from mascustomers.catalog.statuses import SubscriptionStatus
from mascustomers.errors import NotFound
from mascustomers.events import outbox
from mascustomers.events.types import EventType
from mascustomers.models import ScheduledOperation
from mascustomers.subscriptions import service as subscriptions_service

ACTOR = "scheduler"
log = logging.getLogger(__name__)


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
        session, subscription=line, target=SubscriptionStatus.ACTIVO, actor=ACTOR, now=now
    )
    if line.iccid is not None:
        inventory_service.set_sim_status(
            session, org_id=line.org_id, iccid=line.iccid, status=SimStatus.ACTIVA, now=now
        )
    outbox.emit(session, EventType.PORTABILITY_COMPLETED, line, at=now)
