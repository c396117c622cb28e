"""Computed early-termination penalties: COMPUTED → CONFIRMED → DELETED, or → SUPERSEDED."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, Money, OrgScopedMixin, UtcDateTime


class ComputedPenalty(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "computed_penalty"

    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    reason: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12))
    mobile_operator_id: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # SUPERSEDED: the newer computation of the same account, line and reason that replaced it.
    superseded_by_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("computed_penalty.id"), nullable=True
    )
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class PenaltyLine(IdMixin, Base):
    __tablename__ = "penalty_line"

    computed_penalty_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("computed_penalty.id"), index=True
    )
    type: Mapped[str] = mapped_column(String(30))
    value: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(String(200))
    mandatory: Mapped[bool] = mapped_column(Boolean)
    subscription_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    subscription_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    commitment_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    applied_promotion_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    promotion_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    subscription_terminal_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the billing run charges it; a charged line can no longer be withdrawn.
    invoice_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("invoice.id"), nullable=True
    )
