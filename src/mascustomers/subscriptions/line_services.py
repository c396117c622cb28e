"""A line's services (VOZ, DATOS, ROAMING …) as rows, and the operations on them.

A line's services (VOZ, DATOS, ROAMING …): listing them and switching them on or off.

Deprecated in 2.37.1 and still served. A line has the services of its product; only the ones
the catalogue marks ``changeable`` can be switched (``ServiceNotChangeable``), and a service
the line does not have is a 404. Switching to the state a service already has changes nothing.
Every change is a ``subscription_service_change`` row (who, when). A product change aligns
the services with the new product: new ones are added active, missing ones switched off.

A line's services as rows: giving it its product's services, switching one (with history).

Kept apart from ``services_switch`` (the endpoints' rules) so that the lifecycle
(``subscriptions.service``) can align services without importing the request-side modules.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import Subscription, SubscriptionService, SubscriptionServiceChange
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.errors import ServiceNotChangeable
from mascustomers.subscriptions.line_changes import load_line, require_changeable
from mascustomers.subscriptions.schemas import ServiceItem, SubscriptionServices

SERVICE_FILTERS = ("active", "inactive")


def services_view(
    session: Session, *, caller: Caller, subscription_id: int, filter: str | None
) -> SubscriptionServices:
    if filter is not None and filter not in SERVICE_FILTERS:
        raise ValidationFailed(f"filter: {filter!r} is not one of {', '.join(SERVICE_FILTERS)}")
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    items = []
    for row in repository.services_of(session, subscription_id=line.id):
        if filter is not None and row.active != (filter == "active"):
            continue
        known = catalog_service.service(session, org_id=line.org_id, service_id=row.service_id)
        items.append(
            ServiceItem(
                id=row.service_id,
                value=known.name if known else None,
                changeable=bool(known and known.changeable),
                date_last_modified=format_timestamp(row.modified_at),
                active=row.active,
            )
        )
    return SubscriptionServices(subscription_id=line.id, items=items)


def switch_service(
    session: Session, *, caller: Caller, subscription_id: int, service_id: int, active: bool
) -> None:
    """Turn one changeable service of the line on or off, keeping the history."""
    line = load_line(session, caller=caller, subscription_id=subscription_id, lock=True)
    row = repository.service_of(session, subscription_id=line.id, service_id=service_id)
    if row is None:
        raise NotFound(f"service {service_id} is not a service of subscription {line.id}")
    require_changeable(line)
    known = catalog_service.service(session, org_id=line.org_id, service_id=service_id)
    if known is None or not known.changeable:
        raise ServiceNotChangeable(
            f"serviceId: service {service_id} cannot be switched on or off",
            service_id=service_id,
        )
    if row.active != active:
        set_service(session, line=line, row=row, active=active, actor=caller.actor, now=caller.now)
        outbox.emit(
            session,
            EventType.SUBSCRIPTION_SERVICE_CHANGED,
            row,
            at=caller.now,
            previous={"active": not active},
        )


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
