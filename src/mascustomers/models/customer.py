"""Customers (the legal party) and users (the people: owner, line users, company contacts)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, OrgScopedMixin, UtcDateTime


class Customer(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("org_id", "document_type_id", "document_value"),)

    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    type_id: Mapped[int] = mapped_column(Integer)
    sector_id: Mapped[int] = mapped_column(Integer)
    document_type_id: Mapped[int] = mapped_column(Integer)
    document_value: Mapped[str] = mapped_column(String(20))
    special_treatment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    special_treatment_value: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # Fraud / special-treatment flag: such a customer may not log in (users/tree answers 403).
    login_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class User(IdMixin, OrgScopedMixin, Base):
    """A person record. ``role``: owner, line (a line's user), responsible (company contact)."""

    __tablename__ = "user"
    __table_args__ = (
        Index("ix_user_email", "org_id", "email"),
        Index("ix_user_document", "org_id", "document_type_id", "document_value"),
    )

    customer_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customer.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    document_type_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_value: Mapped[str | None] = mapped_column(String(20), nullable=True)
    first_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    middle_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    last_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    gender: Mapped[str | None] = mapped_column(String(1), nullable=True)
    birthdate: Mapped[date | None] = mapped_column(Date, nullable=True)
    company: Mapped[str | None] = mapped_column(String(200), nullable=True)
    company_created_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Lower-cased for case-insensitive lookups (reference 2.38).
    email: Mapped[str | None] = mapped_column(String(82), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    other_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    nationality_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    language_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    street_type_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    street_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    street_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    supplement: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    locality: Mapped[str | None] = mapped_column(String(100), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    responsible_user_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("user.id"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
