"""Catalogue lookups used by every selling operation; a missing id is a 400 naming the field."""

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.catalog import repository
from mascustomers.catalog.errors import (
    BonusNotCompatible,
    DeviceNotInCatalogue,
    ProductNotSellable,
    PromotionNotCompatible,
)
from mascustomers.models import (
    CatalogueBonus,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    CatalogueService,
    CatalogueTaxRule,
)


def preload(
    session: Session,
    *,
    org_id: int,
    product_ids: set[int],
    promotion_ids: set[int],
    bundle_ids: set[int],
    bonus_ids: set[int],
    device_ids: set[int],
) -> list[object]:
    """Load the catalogue items an order names, one query per kind named, into the session:
    ``product``, ``bundle``, ``bonus_for`` and ``device`` then find them there.

    The session holds loaded rows weakly: keep the returned list while the order runs.
    """
    return [
        *repository.load_many(session, CatalogueProduct, org_id, product_ids),
        *repository.load_many(session, CataloguePromotion, org_id, promotion_ids),
        *repository.load_many(session, CatalogueBundle, org_id, bundle_ids),
        *repository.load_many(session, CatalogueBonus, org_id, bonus_ids),
        *repository.load_many(session, CatalogueDevice, org_id, device_ids),
    ]


def product(
    session: Session,
    *,
    org_id: int,
    product_id: int,
    field: str,
    billing_type_id: int | None = None,
) -> CatalogueProduct:
    item = repository.get(session, CatalogueProduct, org_id, product_id)
    if item is None:
        raise ProductNotSellable(f"{field}: product {product_id} is not in the catalogue")
    if billing_type_id is not None and billing_type_id not in item.billing_type_ids:
        raise ProductNotSellable(
            f"{field}: product {product_id} is not sold with billing type {billing_type_id}"
        )
    return item


def bundle(session: Session, *, org_id: int, bundle_id: int, field: str) -> CatalogueBundle:
    item = repository.get(session, CatalogueBundle, org_id, bundle_id)
    if item is None:
        raise ProductNotSellable(f"{field}: bundle {bundle_id} is not in the catalogue")
    return item


def bonus_for(
    session: Session, *, org_id: int, bonus_id: int, product_id: int, field: str
) -> CatalogueBonus:
    item = repository.get(session, CatalogueBonus, org_id, bonus_id)
    if item is None:
        raise BonusNotCompatible(f"{field}: bonus {bonus_id} is not in the catalogue")
    if product_id not in item.compatible_product_ids:
        raise BonusNotCompatible(
            f"{field}: bonus {bonus_id} is not compatible with product {product_id}"
        )
    return item


def promotion_for(
    session: Session,
    *,
    org_id: int,
    promotion_id: int,
    levels: tuple[str, ...],
    product_id: int | None,
    field: str,
) -> CataloguePromotion:
    """A catalogue promotion that applies at one of ``levels`` and suits ``product_id``."""
    item = repository.get(session, CataloguePromotion, org_id, promotion_id)
    if item is None:
        raise PromotionNotCompatible(f"{field}: promotion {promotion_id} is not in the catalogue")
    if item.level not in levels:
        raise PromotionNotCompatible(
            f"{field}: promotion {promotion_id} applies at {item.level} level, "
            f"not {' or '.join(levels)}"
        )
    allowed = item.compatible_product_ids
    if product_id is not None and allowed and product_id not in allowed:
        raise PromotionNotCompatible(
            f"{field}: promotion {promotion_id} is not compatible with product {product_id}"
        )
    return item


def device(session: Session, *, org_id: int, catalogue_id: int, field: str) -> CatalogueDevice:
    item = repository.get(session, CatalogueDevice, org_id, catalogue_id)
    if item is None:
        raise DeviceNotInCatalogue(f"{field}: device {catalogue_id} is not in the catalogue")
    return item


def service(session: Session, *, org_id: int, service_id: int) -> CatalogueService | None:
    return repository.get(session, CatalogueService, org_id, service_id)


def send_order_reads_ahead(session: Session, *, org_id: int, state_id: int | None) -> None:
    """What an order reads of the catalogue besides its items — the hash ``risk_policy``
    checks, the province's ``tax_rule`` (when the province is known) — sent ahead to be
    answered with its other reads (``db.prepared``)."""
    repository.send_order_reads_ahead(session, org_id, state_id)


def tax_rule(session: Session, *, org_id: int, state_id: int) -> CatalogueTaxRule:
    rule = repository.get_tax_rule(session, org_id, state_id)
    if rule is None:
        # An org without tax rules still bills: mainland IVA is the legal default.
        return CatalogueTaxRule(
            org_id=org_id,
            state_id=0,
            tax_name="IVA",
            tax_rate=Decimal("21.00"),
            terminal_tax_rate=Decimal("21.00"),
        )
    return rule


# Risk policies by the content hash of the catalogue they come from: every signup needs its
# org's, and reading and parsing the whole catalogue document for it cost ~5 % of a signup.
# A new catalogue has a new hash, so a cached policy is never stale.
_RISK_POLICIES: dict[str, dict[str, Any]] = {}
_MAX_CACHED_POLICIES = 100


def risk_policy(session: Session, *, org_id: int) -> dict[str, Any]:
    """The catalogue's ``risk_policy`` section (empty when the catalogue has none)."""
    content_hash = repository.get_catalogue_hash(session, org_id)
    if content_hash is None:
        return {}
    policy = _RISK_POLICIES.get(content_hash)
    if policy is None:
        document = repository.get_document(session, org_id) or {}
        policy = dict(document.get("risk_policy") or {})
        if len(_RISK_POLICIES) >= _MAX_CACHED_POLICIES:
            _RISK_POLICIES.clear()
        _RISK_POLICIES[content_hash] = policy
    return dict(policy)
