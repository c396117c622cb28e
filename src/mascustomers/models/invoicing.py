"""The invoice issuer of each org and its VERI*FACTU billing records.

``billing_record`` is append-only: the database itself refuses UPDATE and DELETE of its rows
(triggers on SQLite and PostgreSQL, created by the migration that made the table).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
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


class InvoiceIssuer(Base):
    """Who issues an org's invoices: legal name, NIF, fiscal address, series, invoice types."""

    __tablename__ = "invoice_issuer"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(120))
    tax_id: Mapped[str] = mapped_column(String(9))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(10))
    locality: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(String(2), default="ES")
    # Invoices are numbered <series><8 digits>, rectifying ones in a series of their own.
    series: Mapped[str] = mapped_column(String(10))
    rectifying_series: Mapped[str] = mapped_column(String(10))
    # F2 (simplified) for consumers' invoices up to the art. 4 RD 1619/2012 limit.
    simplified_invoices: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BillingRecord(IdMixin, OrgScopedMixin, Base):
    """One VERI*FACTU record (alta or anulación), chained to the issuer's previous one.

    ``chain_seq`` numbers an issuer's records 1, 2, 3 … without gaps; the record ``n`` carries
    the fingerprint of ``n - 1`` as ``previous_hash``. The fingerprinted values are columns
    (``generated_at_text`` is the exact ``FechaHoraHusoGenRegistro``); ``details`` holds the
    record's other fields (parties, breakdown, rectified invoices, system) for the XML.
    """

    __tablename__ = "billing_record"
    __table_args__ = (UniqueConstraint("org_id", "issuer_tax_id", "chain_seq"),)

    issuer_tax_id: Mapped[str] = mapped_column(String(9))
    chain_seq: Mapped[int] = mapped_column(BigIntId)
    kind: Mapped[str] = mapped_column(String(10))
    invoice_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("invoice.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    issue_date: Mapped[date] = mapped_column(Date)
    invoice_type: Mapped[str | None] = mapped_column(String(2), nullable=True)
    tax_total: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    total: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    previous_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    generated_at_text: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


class BillingRecordSubmission(IdMixin, OrgScopedMixin, Base):
    """A hand-off of an issuer's records ``first_seq``…``last_seq`` (a file drop, so far)."""

    __tablename__ = "billing_record_submission"

    issuer_tax_id: Mapped[str] = mapped_column(String(9))
    first_seq: Mapped[int] = mapped_column(BigIntId)
    last_seq: Mapped[int] = mapped_column(BigIntId)
    channel: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(500))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
