"""Invoices with their stored line breakdown, and gap-free per-org sequences."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, Money, OrgScopedMixin, UtcDateTime


class Invoice(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("org_id", "number"),
        # Re-running a cycle never bills an account twice.
        UniqueConstraint("account_id", "cycle"),
    )

    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    cycle: Mapped[str] = mapped_column(String(7))
    cycle_start: Mapped[date] = mapped_column(Date)
    cycle_end: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    value: Mapped[Decimal] = mapped_column(Money)
    value_total: Mapped[Decimal] = mapped_column(Money)
    status_id: Mapped[int] = mapped_column(Integer)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivery_mode: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(300))


class InvoiceLine(IdMixin, Base):
    __tablename__ = "invoice_line"

    invoice_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("invoice.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200))
    subscription_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    net_amount: Mapped[Decimal] = mapped_column(Money)
    tax_rate: Mapped[Decimal] = mapped_column(Money)
    tax_amount: Mapped[Decimal] = mapped_column(Money)


class OrgSequence(Base):
    """Per-org counters (invoice numbers, account numbers, work orders) taken under a row lock."""

    __tablename__ = "org_sequence"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigIntId)
