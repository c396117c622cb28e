"""The outbox of events, and the webhook endpoints they are delivered to.

An event is written by the transaction that makes the change it reports (``outbox.service``);
its ``position`` is its place in the org's stream, taken from the org's ``event`` counter
at commit, so positions follow commit order without gaps. Deliveries and their attempts are
the webhook worker's log (``events.delivery``).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, JsonDoc, UtcDateTime


class Event(IdMixin, Base):
    """One state change, with the ids of what changed and a snapshot of it (``data``)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("uq_event_org_position", "org_id", "position", unique=True),
        Index("ix_event_org_type_position", "org_id", "type", "position"),
        Index("ix_event_org_created", "org_id", "created_at"),
    )

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"))
    position: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    # The org's time (its test clock in a sandbox) when the change was made.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    subject: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


class WebhookEndpoint(IdMixin, Base):
    """A URL of the org's that wants some event types, signed with its own secret.

    ``status``: ENABLED, FAILING (a delivery was given up; still tried), DISABLED (no more
    attempts until re-enabled). ``queued_through`` is the last position of the org's stream
    already queued for it. The failure streak (``failures`` attempts since ``failing_since``) sets
    ``next_attempt_at``. A worker holds the endpoint while it delivers (``leased_by`` until
    ``lease_until``): one worker at a time per endpoint. After a roll of its secret the one it
    replaced (``previous_secret``) still signs deliveries, beside the new one, until
    ``previous_secret_expires_at``.
    """

    __tablename__ = "webhook_endpoint"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200), nullable=True)
    event_types: Mapped[list[str]] = mapped_column(JsonDoc)
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100), nullable=True)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), nullable=True
    )
    status: Mapped[str] = mapped_column(String(12))
    queued_through: Mapped[int] = mapped_column(BigInteger)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class WebhookDelivery(IdMixin, Base):
    """One event owed to one endpoint: PENDING until DELIVERED, or FAILED (given up).

    Sent in the order of ``position`` (the event's); ``manual`` marks a redelivery asked for.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_queue", "endpoint_id", "status", "position", "id"),
        Index("ix_webhook_delivery_endpoint_id", "endpoint_id", "id"),
    )

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"))
    endpoint_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("webhook_endpoint.id"))
    event_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("event.id"), index=True)
    position: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12))
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    first_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class WebhookAttempt(IdMixin, Base):
    """One HTTP attempt of a delivery: what the receiver answered, how fast, or what failed."""

    __tablename__ = "webhook_attempt"

    delivery_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("webhook_delivery.id"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    succeeded: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_ms: Mapped[int] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
