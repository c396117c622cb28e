"""How a catalogue document maps onto the catalogue tables: one row per entry, by section.

Each section names its table and turns the document's entries into ``{catalogue id: column
values}``; the loader compares those values with the stored rows. Values are plain (ints,
strings, lists, ``Decimal``) so that a row read back from either database compares equal to
the one built here when nothing changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mascustomers.catalog.file_format import (
    Bonus,
    Bundle,
    CatalogueDocument,
    Device,
    Product,
    Promotion,
    Service,
    TaxRate,
)
from mascustomers.db.base import Base
from mascustomers.models import (
    CatalogueBonus,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    CatalogueService,
    CatalogueTaxRule,
)

# The tax rule for every province the document does not list.
DEFAULT_TAX_STATE_ID = 0

Values = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One kind of catalogue item: its table, its key column and its rows in a document."""

    name: str
    singular: str
    model: type[Base]
    key: str
    rows: Callable[[CatalogueDocument], dict[int, Values]]


def _product(product: Product) -> Values:
    return {
        "name": product.name,
        "subscription_type_id": int(product.subscription_type),
        "billing_type_ids": [int(billing) for billing in product.billing_types],
        "monthly_price": product.monthly_price,
        "bundle_only": product.bundle_only,
        "mobile_line_type": None
        if product.mobile_line_type is None
        else product.mobile_line_type.value,
        "service_ids": list(product.included_services),
        "compatible_product_ids": list(product.compatible_products),
    }


def _bundle(bundle: Bundle) -> Values:
    # The slots as the document has them; signups read an empty slot as absent.
    return {
        "name": bundle.name,
        "components": bundle.components.model_dump(mode="json"),
        "allowed_migration_ids": list(bundle.allowed_migrations),
    }


def _bonus(bonus: Bonus) -> Values:
    return {
        "name": bonus.name,
        "price": bonus.price,
        "duration_days": bonus.duration_days,
        "compatible_product_ids": list(bonus.compatible_products),
    }


def _promotion(promotion: Promotion) -> Values:
    # Bundle-level targets (compatible_bundles) stay in the stored document.
    return {
        "name": promotion.name,
        "code": promotion.code,
        "level": promotion.level.value,
        "benefit_type": promotion.benefit_type.value,
        "benefit_value": promotion.benefit_value,
        "duration_months": promotion.duration_months,
        "commitment_months": promotion.commitment_months,
        "penalty_amount": promotion.penalty_amount,
        "compatible_product_ids": list(promotion.compatible_products),
    }


def _service(service: Service) -> Values:
    return {"name": service.name, "changeable": service.changeable}


def _device(device: Device) -> Values:
    return {
        "name": device.name,
        "model_id": device.model_id,
        "model": device.model,
        "category": device.category.value,
        "terminal_code": device.terminal_code,
        "price": device.price,
    }


def _tax(rule: TaxRate) -> Values:
    return {
        "tax_name": rule.tax_name.value,
        "tax_rate": rule.rate,
        "terminal_tax_rate": rule.terminal_rate,
    }


def _tax_rows(document: CatalogueDocument) -> dict[int, Values]:
    rules = {DEFAULT_TAX_STATE_ID: _tax(document.tax_rules.default)}
    rules.update({rule.state_id: _tax(rule) for rule in document.tax_rules.by_state})
    return rules


SECTIONS: tuple[Section, ...] = (
    Section(
        "services",
        "service",
        CatalogueService,
        "service_id",
        lambda d: {s.id: _service(s) for s in d.services},
    ),
    Section(
        "products",
        "product",
        CatalogueProduct,
        "product_id",
        lambda d: {p.id: _product(p) for p in d.products},
    ),
    Section(
        "bundles",
        "bundle",
        CatalogueBundle,
        "bundle_id",
        lambda d: {b.id: _bundle(b) for b in d.bundles},
    ),
    Section(
        "bonuses",
        "bonus",
        CatalogueBonus,
        "bonus_id",
        lambda d: {b.id: _bonus(b) for b in d.bonuses},
    ),
    Section(
        "promotions",
        "promotion",
        CataloguePromotion,
        "promotion_id",
        lambda d: {p.id: _promotion(p) for p in d.promotions},
    ),
    Section(
        "devices",
        "device",
        CatalogueDevice,
        "catalogue_id",
        lambda d: {x.catalogue_id: _device(x) for x in d.devices},
    ),
    Section("tax_rules", "tax rule of state", CatalogueTaxRule, "state_id", _tax_rows),
)


def differs(row: Base, values: Values) -> bool:
    """Whether a stored row holds other values than the document's."""
    return any(getattr(row, column) != value for column, value in values.items())
