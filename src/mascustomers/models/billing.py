"""Invoices with their stored line breakdown, and gap-free per-org sequences.

An invoice keeps, frozen at issue, both parties as the invoice shows them (issuer legal name,
NIF and fiscal address; recipient name, document and billing address), its series and
VERI*FACTU type (F1, F2, R1-R5), the payment method and the due date: later changes to the org
or the customer never alter an issued invoice. A rectifying invoice points at the invoice it
corrects and has no cycle of its own.
"""

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
    # None on a rectifying invoice: (account_id, cycle) stays unique for the cycle's invoice.
    cycle: Mapped[str | None] = mapped_column(String(7), nullable=True)
    cycle_start: Mapped[date] = mapped_column(Date)
    cycle_end: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    value: Mapped[Decimal] = mapped_column(Money)
    value_total: Mapped[Decimal] = mapped_column(Money)
    status_id: Mapped[int] = mapped_column(Integer)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivery_mode: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(300))
    # Frozen at issue (null on invoices issued before they were kept).
    series: Mapped[str | None] = mapped_column(String(10), nullable=True)
    invoice_type: Mapped[str] = mapped_column(String(2), default="F1", server_default="F1")
    tax_name: Mapped[str | None] = mapped_column(String(10), nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    issuer_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    issuer_tax_id: Mapped[str | None] = mapped_column(String(9), nullable=True)
    issuer_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    recipient_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    recipient_document_type: Mapped[str | None] = mapped_column(String(10), nullable=True)
    recipient_document: Mapped[str | None] = mapped_column(String(20), nullable=True)
    recipient_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    payment_method: Mapped[str | None] = mapped_column(String(24), nullable=True)
    payment_reference: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # A rectifying invoice (R1-R5): the invoice it corrects, why, and the operator's words.
    rectified_invoice_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("invoice.id"), nullable=True, index=True
    )
    rectification_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    rectification_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # A cancelled invoice (anulación): why it should never have been issued, and who said so.
    cancellation_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


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
    # On a rectifying invoice: the line of the rectified invoice this one credits.
    credited_line_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("invoice_line.id"), nullable=True, index=True
    )


class OrgSequence(Base):
    """Per-org counters (invoice numbers, account numbers, work orders) taken under a row lock."""

    __tablename__ = "org_sequence"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigIntId)
