"""The org's catalogue, loaded from its catalogue document; ids are the document's own."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, JsonDoc, Money, UtcDateTime


class CatalogueMixin:
    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class OrgCatalogue(Base):
    """The loaded document as a whole: its hash makes reloading the same file a no-op."""

    __tablename__ = "org_catalogue"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CatalogueProduct(CatalogueMixin, Base):
    __tablename__ = "catalogue_product"

    product_id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    subscription_type_id: Mapped[int] = mapped_column(Integer)
    billing_type_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    monthly_price: Mapped[Decimal] = mapped_column(Money)
    bundle_only: Mapped[bool] = mapped_column(Boolean)
    mobile_line_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    service_ids: Mapped[list[int]] = mapped_column(JsonDoc)
    compatible_product_ids: Mapped[list[int]] = mapped_column(JsonDoc)


class CatalogueBundle(CatalogueMixin, Base):
    __tablename__ = "catalogue_bundle"

    bundle_id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    components: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    allowed_migration_ids: Mapped[list[int]] = mapped_column(JsonDoc)


class CatalogueBonus(CatalogueMixin, Base):
    __tablename__ = "catalogue_bonus"

    bonus_id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    price: Mapped[Decimal] = mapped_column(Money)
    duration_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    compatible_product_ids: Mapped[list[int]] = mapped_column(JsonDoc)


class CataloguePromotion(CatalogueMixin, Base):
    __tablename__ = "catalogue_promotion"

    promotion_id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(20))
    benefit_type: Mapped[str] = mapped_column(String(20))
    benefit_value: Mapped[Decimal] = mapped_column(Money)
    duration_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    commitment_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    penalty_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    compatible_product_ids: Mapped[list[int]] = mapped_column(JsonDoc)


class CatalogueService(CatalogueMixin, Base):
    __tablename__ = "catalogue_service"

    service_id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    changeable: Mapped[bool] = mapped_column(Boolean)


class CatalogueDevice(CatalogueMixin, Base):
    __tablename__ = "catalogue_device"

    catalogue_id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    model_id: Mapped[int] = mapped_column(BigIntId)
    model: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    terminal_code: Mapped[str] = mapped_column(String(40))
    price: Mapped[Decimal] = mapped_column(Money)


class CatalogueTaxRule(Base):
    """Tax by province (INE id); ``state_id`` 0 is the default for provinces not listed."""

    __tablename__ = "catalogue_tax_rule"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), primary_key=True)
    state_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tax_name: Mapped[str] = mapped_column(String(10))
    tax_rate: Mapped[Decimal] = mapped_column(Money)
    terminal_tax_rate: Mapped[Decimal] = mapped_column(Money)
