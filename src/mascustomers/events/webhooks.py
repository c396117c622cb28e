"""An org's webhook endpoints: create, list, change, delete; their deliveries; redelivery.

A new endpoint gets the events made after it (its queue starts at the org's latest event),
of the types it asks for, signed with a secret shown once at creation. Disabling one stops
the sending, not the queueing: enabled again, it gets what it missed, in order. Rolling the
secret shows a new one, once; the one it replaces keeps signing (beside it) for a while.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from mascustomers.errors import NotFound
from mascustomers.events import webhook_repository
from mascustomers.events.errors import EventTypeUnknown, WebhookUrlInvalid
from mascustomers.events.retries import DeliveryStatus, EndpointStatus
from mascustomers.events.schemas import (
    MAX_SECRET_OVERLAP_HOURS,
    AttemptView,
    DeliveryList,
    DeliveryView,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
)
from mascustomers.events.service import parse_cursor
from mascustomers.kit.clock import default_clock, format_timestamp
from mascustomers.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mascustomers.outbox import repository
from mascustomers.outbox.types import check_patterns

SECRET_PREFIX = "whsec_"  # noqa: S105 -- the prefix of generated secrets, not a secret


def wall_now() -> datetime:
    """Webhook bookkeeping is in real time (endpoints, deliveries), not on the org's clock."""
    return default_clock().now()


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str


def check_url(url: str, *, field: str = "url") -> str:
    """An absolute http(s) URL with a host, no credentials, nothing that is not printable."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise WebhookUrlInvalid(f"{field}: spaces and control characters are not allowed")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookUrlInvalid(f"{field}: {error}") from error
    if parts.scheme not in ("http", "https"):
        raise WebhookUrlInvalid(f"{field}: the scheme must be http or https")
    if not parts.hostname:
        raise WebhookUrlInvalid(f"{field}: the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlInvalid(f"{field}: credentials in the URL are not allowed")
    if parts.fragment:
        raise WebhookUrlInvalid(f"{field}: a fragment (#…) is never sent; remove it")
    if port == 0:
        raise WebhookUrlInvalid(f"{field}: port 0 is not a port to send to")
    return url


def check_types(patterns: Sequence[str], *, field: str = "event_types") -> list[str]:
    try:
        return check_patterns(patterns)
    except ValueError as error:
        raise EventTypeUnknown(f"{field}: {error}") from error


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def create(
    session: Session, *, org_id: int, body: WebhookEndpointCreate, now: datetime
) -> CreatedEndpoint:
    secret = new_secret()
    endpoint = WebhookEndpoint(
        org_id=org_id,
        url=check_url(body.url),
        description=body.description,
        event_types=check_types(body.event_types),
        secret=secret,
        status=EndpointStatus.ENABLED if body.enabled else EndpointStatus.DISABLED,
        queued_through=repository.last_position(session, org_id=org_id),
        failures=0,
        created_at=now,
        updated_at=now,
        disabled_at=None if body.enabled else now,
    )
    return CreatedEndpoint(webhook_repository.add_endpoint(session, endpoint), secret)


def list_endpoints(session: Session, *, org_id: int) -> Sequence[WebhookEndpoint]:
    return webhook_repository.endpoints_of(session, org_id=org_id)


def get(session: Session, *, org_id: int, endpoint_id: int, lock: bool = False) -> WebhookEndpoint:
    endpoint = webhook_repository.get_endpoint(
        session, org_id=org_id, endpoint_id=endpoint_id, lock=lock
    )
    if endpoint is None:
        raise NotFound(f"webhook endpoint {endpoint_id} not found")
    return endpoint


def enable(endpoint: WebhookEndpoint) -> None:
    """Enabled, its failure streak forgotten: the queue is tried at once."""
    endpoint.status = EndpointStatus.ENABLED
    endpoint.failures = 0
    endpoint.failing_since = None
    endpoint.next_attempt_at = None
    endpoint.disabled_at = None


def update(
    session: Session,
    *,
    org_id: int,
    endpoint_id: int,
    body: WebhookEndpointUpdate,
    now: datetime,
) -> WebhookEndpoint:
    endpoint = get(session, org_id=org_id, endpoint_id=endpoint_id, lock=True)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("url") is not None:
        endpoint.url = check_url(changes["url"])
    if changes.get("event_types") is not None:
        endpoint.event_types = check_types(changes["event_types"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if changes.get("enabled") is True:
        enable(endpoint)
    elif changes.get("enabled") is False and endpoint.status != EndpointStatus.DISABLED:
        endpoint.status = EndpointStatus.DISABLED
        endpoint.disabled_at = now
    endpoint.updated_at = now
    session.flush()
    return endpoint


def roll_secret(
    session: Session, *, org_id: int, endpoint_id: int, expires_in_hours: int, now: datetime
) -> CreatedEndpoint:
    """A new secret for the endpoint, to be shown once (Stripe's "roll secret").

    The secret it replaces still signs every delivery, beside the new one, for
    ``expires_in_hours`` (0: not at all): a receiver can switch to the new one without
    refusing a delivery meanwhile. Only one old secret is kept: rolling again within the
    window drops the oldest at once.
    """
    if not 0 <= expires_in_hours <= MAX_SECRET_OVERLAP_HOURS:
        raise ValueError(f"expires_in_hours must be 0 to {MAX_SECRET_OVERLAP_HOURS}")
    endpoint = get(session, org_id=org_id, endpoint_id=endpoint_id, lock=True)
    secret = new_secret()
    if expires_in_hours:
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + timedelta(hours=expires_in_hours)
    else:
        endpoint.previous_secret = None
        endpoint.previous_secret_expires_at = None
    endpoint.secret = secret
    endpoint.updated_at = now
    session.flush()
    return CreatedEndpoint(endpoint, secret)


def delete(session: Session, *, org_id: int, endpoint_id: int) -> None:
    """The endpoint, its deliveries and their log; a worker holding it records nothing."""
    endpoint = get(session, org_id=org_id, endpoint_id=endpoint_id, lock=True)
    webhook_repository.delete_endpoint(session, endpoint)


def redeliver(
    session: Session, *, org_id: int, endpoint_id: int, event_id: int, now: datetime
) -> DeliveryView:
    """Queue ``event_id`` for the endpoint again, whatever its type, and try it at once.

    It takes its place in event order (before newer pending ones); a disabled endpoint
    sends it once enabled.
    """
    endpoint = get(session, org_id=org_id, endpoint_id=endpoint_id, lock=True)
    event = repository.get_event(session, org_id=org_id, event_id=event_id)
    if event is None:
        raise NotFound(f"event {event_id} not found")
    delivery = webhook_repository.add_delivery(
        session,
        WebhookDelivery(
            org_id=org_id,
            endpoint_id=endpoint.id,
            event_id=event.id,
            position=event.position,
            status=DeliveryStatus.PENDING,
            manual=True,
            attempts=0,
            created_at=now,
        ),
    )
    endpoint.next_attempt_at = None
    session.flush()
    return _view(delivery, event.type, [])


def deliveries(
    session: Session,
    *,
    org_id: int,
    endpoint_id: int,
    status: DeliveryStatus | None,
    event_id: int | None,
    cursor: str | None,
    limit: int,
) -> DeliveryList:
    """The endpoint's deliveries, newest first, each with its attempt log."""
    endpoint = get(session, org_id=org_id, endpoint_id=endpoint_id)
    found = webhook_repository.deliveries_of(
        session,
        endpoint_id=endpoint.id,
        status=status.value if status is not None else None,
        event_id=event_id,
        before_id=parse_cursor(cursor),
        limit=limit + 1,
    )
    page, has_more = found[:limit], len(found) > limit
    attempts: dict[int, list[WebhookAttempt]] = {}
    for attempt in webhook_repository.attempts_of(session, [d.id for d, _ in page]):
        attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return DeliveryList(
        deliveries=[_view(d, type_, attempts.get(d.id, [])) for d, type_ in page],
        next_cursor=str(page[-1][0].id) if has_more else None,
        has_more=has_more,
    )


def _stamp(value: datetime | None) -> str | None:
    return format_timestamp(value) if value is not None else None


def _view(delivery: WebhookDelivery, event_type: str, log: list[WebhookAttempt]) -> DeliveryView:
    return DeliveryView(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=event_type,
        status=delivery.status,
        manual=delivery.manual,
        attempts=delivery.attempts,
        created=format_timestamp(delivery.created_at),
        delivered=_stamp(delivery.delivered_at),
        next_attempt=_stamp(delivery.next_attempt_at),
        log=[
            AttemptView(
                attempted=format_timestamp(a.attempted_at),
                succeeded=a.succeeded,
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                response_excerpt=a.response_excerpt,
                error=a.error,
            )
            for a in log
        ],
    )
