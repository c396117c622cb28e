"""What was sold on top of lines: promotions, commitments (terms) and financed terminals."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, Money, OrgScopedMixin, UtcDateTime


class AppliedPromotion(IdMixin, OrgScopedMixin, Base):
    """A catalogue promotion applied at ``level`` subscription, account or bundle."""

    __tablename__ = "applied_promotion"

    promotion_id: Mapped[int] = mapped_column(BigIntId)
    level: Mapped[str] = mapped_column(String(12))
    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    account_bundle_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("account_bundle.id"), nullable=True
    )
    subscription_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True, nullable=True
    )
    value: Mapped[str | None] = mapped_column(String(60), nullable=True)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SubscriptionTerminal(IdMixin, OrgScopedMixin, Base):
    """A device sold on a line, with its financing (installment plan)."""

    __tablename__ = "subscription_terminal"

    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True
    )
    catalogue_id: Mapped[int] = mapped_column(BigIntId)
    imei: Mapped[str | None] = mapped_column(String(15), nullable=True)
    serial_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reservation_id: Mapped[str] = mapped_column(String(60))
    status_id: Mapped[int] = mapped_column(Integer)
    request_type: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(Money)
    upfront_fee: Mapped[Decimal] = mapped_column(Money)
    financed: Mapped[bool] = mapped_column(Boolean)
    financed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    monthly_fee: Mapped[Decimal] = mapped_column(Money)
    installments: Mapped[int] = mapped_column(Integer)
    last_installment_fee: Mapped[Decimal] = mapped_column(Money)
    installments_billed: Mapped[int] = mapped_column(Integer, default=0)
    old_subscription_terminal_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    sell_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("sell.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Commitment(IdMixin, OrgScopedMixin, Base):
    """Permanence tied to a promotion or a financed terminal (``associated_type``)."""

    __tablename__ = "commitment"

    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    account_bundle_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    subscription_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True, nullable=True
    )
    associated_type: Mapped[str] = mapped_column(String(12))
    applied_promotion_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("applied_promotion.id"), nullable=True
    )
    promotion_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    subscription_terminal_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("subscription_terminal.id"), nullable=True
    )
    months: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    penalty_amount: Mapped[Decimal] = mapped_column(Money)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
