"""All SQL of webhook endpoints and their deliveries: CRUD, the worker's leases and queues.

On PostgreSQL the worker picks endpoints with ``FOR UPDATE SKIP LOCKED`` (several workers
take disjoint endpoints) and locks an endpoint's row while it records what it sent; on
SQLite the caller's ``BEGIN IMMEDIATE`` makes each of those steps the only writer.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    delete,
    exists,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from mascustomers.events.retries import DeliveryStatus, EndpointStatus
from mascustomers.models import (
    Event,
    OrgSequence,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from mascustomers.outbox.repository import EVENT_COUNTER

_ATTEMPTS = cast(Table, WebhookAttempt.__table__)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _skip_locked(session: Session, query: Select[Any]) -> Select[Any]:
    return query.with_for_update(skip_locked=True) if _postgres(session) else query


# --- Endpoints ---------------------------------------------------------------------------


def add_endpoint(session: Session, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    session.add(endpoint)
    session.flush()
    return endpoint


def endpoints_of(session: Session, *, org_id: int) -> Sequence[WebhookEndpoint]:
    return session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id).order_by(WebhookEndpoint.id)
    ).all()


def get_endpoint(
    session: Session, *, org_id: int, endpoint_id: int, lock: bool = False
) -> WebhookEndpoint | None:
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.id == endpoint_id, WebhookEndpoint.org_id == org_id
    )
    if lock and _postgres(session):
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def delete_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.delete(endpoint)
    session.flush()


# --- Deliveries as the API shows them ----------------------------------------------------


def deliveries_of(
    session: Session,
    *,
    endpoint_id: int,
    status: str | None,
    event_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[tuple[WebhookDelivery, str]]:
    """The endpoint's deliveries, newest first, with their event's type."""
    query = (
        select(WebhookDelivery, Event.type)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if event_id is not None:
        query = query.where(WebhookDelivery.event_id == event_id)
    if before_id is not None:
        query = query.where(WebhookDelivery.id < before_id)
    rows = session.execute(query.order_by(WebhookDelivery.id.desc()).limit(limit)).all()
    return [(delivery, str(type_)) for delivery, type_ in rows]


def attempts_of(session: Session, delivery_ids: Sequence[int]) -> Sequence[WebhookAttempt]:
    if not delivery_ids:
        return []
    return session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.id)
    ).all()


def add_delivery(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    session.add(delivery)
    session.flush()
    return delivery


# --- The worker --------------------------------------------------------------------------


def _has_work(now: datetime) -> Any:
    """An endpoint with events not queued yet, or a pending delivery due now."""
    counter = (
        select(OrgSequence.last_value)
        .where(OrgSequence.org_id == WebhookEndpoint.org_id, OrgSequence.name == EVENT_COUNTER)
        .scalar_subquery()
    )
    pending = exists().where(
        WebhookDelivery.endpoint_id == WebhookEndpoint.id,
        WebhookDelivery.status == DeliveryStatus.PENDING,
    )
    due = or_(WebhookEndpoint.next_attempt_at.is_(None), WebhookEndpoint.next_attempt_at <= now)
    return and_(
        WebhookEndpoint.status != EndpointStatus.DISABLED,
        or_(WebhookEndpoint.queued_through < counter, and_(due, pending)),
    )


def lease_endpoints(
    session: Session, *, worker: str, now: datetime, until: datetime, limit: int
) -> list[int]:
    """Endpoints with work that no live lease holds, leased to ``worker`` (caller commits)."""
    free = or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now)
    query = (
        select(WebhookEndpoint.id)
        .where(free, _has_work(now))
        .order_by(WebhookEndpoint.next_attempt_at.is_not(None), WebhookEndpoint.id)
        .limit(limit)
    )
    ids = list(session.scalars(_skip_locked(session, query)).all())
    if ids:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id.in_(ids))
            .values(leased_by=worker, lease_until=until)
        )
    return ids


def held_endpoint(session: Session, *, endpoint_id: int, worker: str) -> WebhookEndpoint | None:
    """The endpoint, row-locked on PostgreSQL, if ``worker`` still holds its lease."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if _postgres(session):
        query = query.with_for_update()
    endpoint = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if endpoint is None or endpoint.leased_by != worker:
        return None
    return endpoint


def queue_events(
    session: Session,
    *,
    endpoint: WebhookEndpoint,
    types: Sequence[str] | None,
    upto: int,
    now: datetime,
) -> None:
    """Queue the org's events after ``queued_through`` up to position ``upto`` (one INSERT)."""
    events = select(
        Event.org_id,
        literal(endpoint.id),
        Event.id,
        Event.position,
        literal(DeliveryStatus.PENDING.value),
        literal(False),
        literal(0),
        literal(now, type_=WebhookDelivery.created_at.type),
    ).where(
        Event.org_id == endpoint.org_id,
        Event.position > endpoint.queued_through,
        Event.position <= upto,
    )
    if types is not None:
        events = events.where(Event.type.in_(types))
    columns = [
        "org_id",
        "endpoint_id",
        "event_id",
        "position",
        "status",
        "manual",
        "attempts",
        "created_at",
    ]
    session.execute(insert(WebhookDelivery).from_select(columns, events))
    endpoint.queued_through = upto


@dataclass(frozen=True)
class Queued:
    delivery: WebhookDelivery
    event: Event


def head_of_queue(session: Session, *, endpoint_id: int, limit: int) -> list[Queued]:
    """The endpoint's pending deliveries in event order, with their events."""
    rows = session.execute(
        select(WebhookDelivery, Event)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .order_by(WebhookDelivery.position, WebhookDelivery.id)
        .limit(limit)
    ).all()
    return [Queued(delivery, event) for delivery, event in rows]


def deliveries_by_id(session: Session, ids: Sequence[int]) -> dict[int, WebhookDelivery]:
    if not ids:
        return {}
    found = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids))
        .execution_options(populate_existing=True)
    ).all()
    return {delivery.id: delivery for delivery in found}


def add_attempts(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(_ATTEMPTS), rows)


def release(session: Session, *, endpoint_ids: Sequence[int], worker: str) -> None:
    """Give up ``worker``'s leases (a worker stopping between passes)."""
    if endpoint_ids:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id.in_(endpoint_ids), WebhookEndpoint.leased_by == worker)
            .values(leased_by=None, lease_until=None)
        )
