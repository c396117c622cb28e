"""A line's services as rows: giving it its product's services, switching one (with history).

Kept apart from ``services_switch`` (the endpoints' rules) so that the lifecycle
(``subscriptions.service``) can align services without importing the request-side modules.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.models import Subscription, SubscriptionService, SubscriptionServiceChange
from mascustomers.subscriptions import repository


def sync_services(
    session: Session, *, line: Subscription, service_ids: Iterable[int], actor: str, now: datetime
) -> None:
    """Give the line the services of its (new) product."""
    wanted = set(service_ids)
    present = {
        row.service_id: row for row in repository.services_of(session, subscription_id=line.id)
    }
    for service_id in sorted(wanted - set(present)):
        row = SubscriptionService(
            subscription_id=line.id, service_id=service_id, active=False, modified_at=now
        )
        session.add(row)
        set_service(session, line=line, row=row, active=True, actor=actor, now=now)
    for service_id, row in present.items():
        if service_id not in wanted and row.active:
            set_service(session, line=line, row=row, active=False, actor=actor, now=now)
    session.flush()


def set_service(
    session: Session,
    *,
    line: Subscription,
    row: SubscriptionService,
    active: bool,
    actor: str,
    now: datetime,
) -> None:
    row.active = active
    row.modified_at = now
    session.add(
        SubscriptionServiceChange(
            subscription_id=line.id,
            service_id=row.service_id,
            active=active,
            changed_at=now,
            modified_by=actor,
        )
    )
    session.flush()
