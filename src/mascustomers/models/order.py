"""Sells (orders as the channel placed them) and work orders (provisioning)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, JsonDoc, OrgScopedMixin, UtcDateTime


class Sell(IdMixin, OrgScopedMixin, Base):
    """One operation a channel asked for, with its risk decision and hold state.

    ``kind``: SIGNUP, ADD_LINES, MIGRATION, DEVICE, SIM_REPLACEMENT, PRODUCT_CHANGE.
    ``status``: COMPLETED, HELD (PENDIENTE RIESGO), REJECTED, CANCELLED.
    """

    __tablename__ = "sell"
    # The risk-hold queue: an org's orders in one status, oldest first (with org_id alone
    # SQLite walked every order of the org).
    __table_args__ = (Index("ix_sell_queue", "org_id", "status", "id"),)

    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), index=True)
    risk_decision: Mapped[str] = mapped_column(String(3))
    customer_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("customer.id"), index=True, nullable=True
    )
    account_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("account.id"), index=True, nullable=True
    )
    channel: Mapped[str | None] = mapped_column(String(40), nullable=True)
    dealer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    shop_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    agent_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    origin_ip: Mapped[str | None] = mapped_column(String(45), nullable=True)
    # The request as accepted, kept so a held order can continue when approved.
    request: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class WorkOrder(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "work_order"
    __table_args__ = (
        UniqueConstraint("org_id", "work_order_id"),
        # The console's queue: an org's orders in one status, oldest first.
        Index("ix_work_order_queue", "org_id", "status_id", "id"),
    )

    work_order_id: Mapped[str] = mapped_column(String(30))
    account_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("account.id"), index=True, nullable=True
    )
    sell_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("sell.id"), index=True, nullable=True
    )
    type_id: Mapped[int] = mapped_column(Integer)
    status_id: Mapped[int] = mapped_column(Integer)
    scheduled_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    installation: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    # What the order changed and what it was before: what CANCEL restores (workorders.undo).
    undo: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WorkOrderStatusChange(IdMixin, Base):
    __tablename__ = "work_order_status_change"

    work_order_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("work_order.id"), index=True)
    status_id: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    modified_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)


class WorkOrderSubscription(Base):
    """The subscriptions a work order provisions."""

    __tablename__ = "work_order_subscription"

    work_order_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("work_order.id"), primary_key=True
    )
    subscription_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), primary_key=True, index=True
    )
