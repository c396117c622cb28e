"""Dated operations run exactly once by the scheduler, and per-org test clocks."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, JsonDoc, OrgScopedMixin, UtcDateTime


class ScheduledOperation(IdMixin, OrgScopedMixin, Base):
    """``status``: PENDING, RUNNING (leased), DONE, FAILED (retried later), CANCELLED."""

    __tablename__ = "scheduled_operation"
    __table_args__ = (Index("ix_scheduled_operation_due", "status", "due_at"),)

    kind: Mapped[str] = mapped_column(String(40))
    subscription_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True, nullable=True
    )
    account_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    requested_by: Mapped[str] = mapped_column(String(100))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class OrgClock(Base):
    """A sandbox org's test clock: its "now" while set."""

    __tablename__ = "org_clock"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), primary_key=True)
    now_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IdempotentRequest(IdMixin, OrgScopedMixin, Base):
    """A stored answer for an ``Idempotency-Key``: same key and body → same response."""

    __tablename__ = "idempotent_request"
    __table_args__ = (
        Index("uq_idempotent_request_key", "org_id", "key", unique=True),
        Index("ix_idempotent_request_created_at", "created_at"),
    )

    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | list[Any] | None] = mapped_column(JsonDoc, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
