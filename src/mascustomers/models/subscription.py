"""Subscriptions (service lines) and what hangs off them: history, services, bonuses, blocks."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import (
    Base,
    BigIntId,
    IdMixin,
    JsonDoc,
    Money,
    OrgScopedMixin,
    UtcDateTime,
)

_LIVE = text("ended_at IS NULL")


class Subscription(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "subscription"
    __table_args__ = (
        # One live subscription per number and per SIM, whatever the code does.
        Index(
            "uq_subscription_live_number",
            "org_id",
            "identification_nr",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        Index(
            "uq_subscription_live_iccid",
            "org_id",
            "iccid",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
    )

    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    account_bundle_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("account_bundle.id"), index=True, nullable=True
    )
    sell_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("sell.id"), index=True)
    type_id: Mapped[int] = mapped_column(Integer)
    status_id: Mapped[int] = mapped_column(Integer)
    origin_id: Mapped[int] = mapped_column(Integer)
    mobile_line_type: Mapped[str | None] = mapped_column(String(12), nullable=True)
    identification_nr: Mapped[str | None] = mapped_column(String(20), nullable=True)
    associated_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    iccid: Mapped[str | None] = mapped_column(String(20), nullable=True)
    imsi: Mapped[str | None] = mapped_column(String(15), nullable=True)
    user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("user.id"), index=True)
    expedition_user_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("user.id"), nullable=True
    )
    product_id: Mapped[int] = mapped_column(BigIntId)
    registration_email: Mapped[str | None] = mapped_column(String(82), nullable=True)
    dealer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    shop_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    contract_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    contract_filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Portability, delivery and installation details as the channel sent them.
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    sell_at: Mapped[datetime] = mapped_column(UtcDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SubscriptionStatusChange(IdMixin, Base):
    __tablename__ = "subscription_status_change"

    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True
    )
    status_id: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    modified_by: Mapped[str] = mapped_column(String(100))


class SubscriptionProduct(IdMixin, Base):
    """Tariff history: one row per product the line has had; the open row is current."""

    __tablename__ = "subscription_product"

    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True
    )
    product_id: Mapped[int] = mapped_column(BigIntId)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    reason: Mapped[str] = mapped_column(String(20))


class SubscriptionService(IdMixin, Base):
    __tablename__ = "subscription_service"
    __table_args__ = (UniqueConstraint("subscription_id", "service_id"),)

    subscription_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("subscription.id"))
    service_id: Mapped[int] = mapped_column(BigIntId)
    active: Mapped[bool] = mapped_column(Boolean)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SubscriptionServiceChange(IdMixin, Base):
    __tablename__ = "subscription_service_change"

    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True
    )
    service_id: Mapped[int] = mapped_column(BigIntId)
    active: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    modified_by: Mapped[str] = mapped_column(String(100))


class SubscriptionBonus(IdMixin, Base):
    __tablename__ = "subscription_bonus"

    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True
    )
    bonus_id: Mapped[int] = mapped_column(BigIntId)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Who carried the end out: the API key's name for a removal that takes effect at once,
    # ``scheduler`` for an end at a date (its BONUS_END operation); null until then.
    ended_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class SubscriptionBlock(IdMixin, Base):
    """Theft (1, ROBO) and loss (2, PERDIDA) blocks; rows are history, the open one is active."""

    __tablename__ = "subscription_block"

    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True
    )
    block_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    modified_by: Mapped[str] = mapped_column(String(100))


class Recharge(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "recharge"

    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    movement_type_id: Mapped[int] = mapped_column(Integer)
    origin_id: Mapped[int] = mapped_column(Integer)
    recharged_at: Mapped[datetime] = mapped_column(UtcDateTime())
