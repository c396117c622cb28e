"""Billing accounts, their tax history, convergent bundles and contract documents."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
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


class Account(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("org_id", "account_number"),)

    customer_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customer.id"), index=True)
    owner_user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("user.id"))
    account_number: Mapped[str] = mapped_column(String(20))
    billing_type_id: Mapped[int] = mapped_column(Integer)
    status_id: Mapped[int] = mapped_column(Integer)
    state_id: Mapped[int] = mapped_column(Integer)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # BANK_ACCOUNT, BANK_TRANSFER, CREDIT_CARD, ECI, RECURRING_CREDIT_CARD
    payment_method: Mapped[str] = mapped_column(String(24))
    iban: Mapped[str | None] = mapped_column(String(34), nullable=True)
    swift_bic: Mapped[str | None] = mapped_column(String(11), nullable=True)
    card_reference: Mapped[str | None] = mapped_column(String(60), nullable=True)
    card_type_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    card_masked_number: Mapped[str | None] = mapped_column(String(19), nullable=True)
    card_validity: Mapped[str | None] = mapped_column(String(4), nullable=True)
    delivery_mode: Mapped[str] = mapped_column(String(20), default="email")
    contract_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    contract_filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AccountTax(IdMixin, Base):
    """The account's tax province over time; the open row (``end_at`` null) is current."""

    __tablename__ = "account_tax"

    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    state_id: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(10))
    tax_value: Mapped[Decimal] = mapped_column(Money)
    tax_terminal_value: Mapped[Decimal] = mapped_column(Money)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AccountBundle(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "account_bundle"

    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    bundle_id: Mapped[int] = mapped_column(BigIntId)
    territory_owner: Mapped[str | None] = mapped_column(String(60), nullable=True)
    installation: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    status_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Contract(IdMixin, OrgScopedMixin, Base):
    """The contract document of one operation (signup, added line, device sale, …)."""

    __tablename__ = "contract"

    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("account.id"), index=True)
    signature_config: Mapped[str] = mapped_column(String(30))
    contract_id: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[str] = mapped_column(String(36))
    pdf_file_name: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    signature_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    account_bundle_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    subscription_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    subscription_terminal_id: Mapped[int | None] = mapped_column(BigIntId, nullable=True)
    iccid: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
