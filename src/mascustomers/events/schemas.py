"""Events API and webhook-endpoint bodies (``/v2/orgs/{orgId}/ops/events``, ``…/ops/webhooks``)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mascustomers.kit.clock import format_timestamp
from mascustomers.kit.request_fields import Id
from mascustomers.models import WebhookEndpoint

EVENT_TYPES_DESCRIPTION = (
    "Event type names (`subscription.activated`), a family (`invoice.*`) or `*` for every "
    "type; docs/events.md lists them."
)


# Stripe's limit: an old secret signs for at most a week after a roll.
MAX_SECRET_OVERLAP_HOURS = 168


def _timestamp(value: datetime | None) -> str | None:
    return format_timestamp(value) if value is not None else None


class EventView(BaseModel):
    """An event as the events API answers it and as a webhook delivers it (the same JSON)."""

    id: int = Field(description="Unique and stable: deliveries of one event carry the same id")
    type: str = Field(description="Dotted type name, e.g. `subscription.activated`")
    org: str = Field(description="The org's slug")
    created: str = Field(description="When the change was made, on the org's clock (UTC)")
    subject: dict[str, int | str | None] = Field(description="Ids of what changed")
    data: dict[str, Any] = Field(
        description="`object`: what the matching GET answered right after the change; "
        "`previous`: what changed, as it was before (some types)"
    )


class EventList(BaseModel):
    events: list[EventView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; also the place to poll from later"
    )
    has_more: bool


class WebhookEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(
        max_length=2000,
        description="http or https, with a host and without user or password",
        examples=["https://example.com/webhooks/mascustomers"],
    )
    event_types: list[str] = Field(
        min_length=1, max_length=50, description=EVENT_TYPES_DESCRIPTION, examples=[["*"]]
    )
    description: str | None = Field(default=None, max_length=200)
    enabled: bool = Field(default=True, description="false: created disabled")


class WebhookEndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str | None = Field(default=None, max_length=2000)
    event_types: list[str] | None = Field(
        default=None, min_length=1, max_length=50, description=EVENT_TYPES_DESCRIPTION
    )
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = Field(
        default=None,
        description="true: enabled again (a failing or disabled endpoint's queue is tried at "
        "once, in order); false: disabled (nothing is sent; events keep being queued)",
    )


class WebhookEndpointView(BaseModel):
    id: int
    url: str
    description: str | None
    event_types: list[str]
    status: str = Field(description="ENABLED, FAILING (a delivery was given up) or DISABLED")
    created: str
    updated: str
    failing_since: str | None = Field(description="First failed attempt of the current streak")
    next_attempt: str | None = Field(description="When a failed delivery is tried again")
    disabled_date: str | None
    previous_secret_expires: str | None = Field(
        description="After a roll of the secret: until when the secret it replaced still signs "
        "deliveries, beside the new one (a second `v1`); null when only one secret signs"
    )

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> "WebhookEndpointView":
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            description=endpoint.description,
            event_types=list(endpoint.event_types),
            status=endpoint.status,
            created=format_timestamp(endpoint.created_at),
            updated=format_timestamp(endpoint.updated_at),
            failing_since=_timestamp(endpoint.failing_since),
            next_attempt=_timestamp(endpoint.next_attempt_at),
            disabled_date=_timestamp(endpoint.disabled_at),
            previous_secret_expires=_timestamp(endpoint.previous_secret_expires_at),
        )


class WebhookEndpointCreated(WebhookEndpointView):
    """The endpoint with its secret: the answer of its creation and of a roll of its secret."""

    secret: str = Field(
        description="Signs every delivery (docs/events.md). Shown only in this answer: keep it"
    )

    @classmethod
    def with_secret(cls, endpoint: WebhookEndpoint, secret: str) -> "WebhookEndpointCreated":
        return cls(**WebhookEndpointView.of(endpoint).model_dump(), secret=secret)


class WebhookSecretRoll(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_hours: int = Field(
        default=24,
        ge=0,
        le=MAX_SECRET_OVERLAP_HOURS,
        strict=True,
        description="Hours the secret being replaced still signs deliveries, beside the new "
        "one; 0: it stops at once",
        examples=[24],
    )


class WebhookEndpoints(BaseModel):
    webhooks: list[WebhookEndpointView]


class AttemptView(BaseModel):
    attempted: str = Field(description="When (the worker's real time, UTC)")
    succeeded: bool
    status_code: int | None = Field(description="The receiver's HTTP status; null: no answer")
    latency_ms: int
    response_excerpt: str | None = Field(description="The answer's first 1000 characters")
    error: str | None = Field(description="Why it failed when the status does not say")


class DeliveryView(BaseModel):
    id: int
    event_id: int
    event_type: str
    status: str = Field(description="PENDING, DELIVERED or FAILED (given up)")
    manual: bool = Field(description="A redelivery asked for through the API or the CLI")
    attempts: int
    created: str
    delivered: str | None
    next_attempt: str | None
    log: list[AttemptView] = Field(description="Every attempt, oldest first")


class DeliveryList(BaseModel):
    deliveries: list[DeliveryView]
    next_cursor: str | None
    has_more: bool


class RedeliveryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: Id = Field(description="The event to send again to this endpoint")
