"""The catalogue read API's answers, built from the org's catalogue tables.

The tables are what selling operations check against, so the API shows exactly what can be
sold. The loaded document (``org_catalogue``) adds what has no column: product descriptions,
bundle-level promotion targets and the dealers' lists. A dealer without a list, or an org
without a document, sells everything.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from mascustomers import models
from mascustomers.catalog import read_schemas as schemas
from mascustomers.catalog import read_support as support
from mascustomers.catalog import repository
from mascustomers.catalog.master_data import MasterDataList

# Products


def _bundle_slots(bundle: models.CatalogueBundle) -> set[int]:
    return {
        int(product_id)
        for slot, ids in bundle.components.items()
        if isinstance(ids, list)
        for product_id in ids
    }


def _product(
    product: models.CatalogueProduct,
    *,
    services: dict[int, str],
    bundles: Sequence[models.CatalogueBundle],
    bonuses: Sequence[models.CatalogueBonus],
    promotions: Sequence[models.CataloguePromotion],
    described: dict[int, dict[str, Any]],
) -> schemas.CatalogueProduct:
    pid = product.product_id
    return schemas.CatalogueProduct(
        id=pid,
        name=product.name,
        description=described.get(pid, {}).get("description"),
        subscription_type=support.label(
            MasterDataList.SUBSCRIPTION_TYPES, product.subscription_type_id
        ),
        billing_types=[
            support.label(MasterDataList.BILLING_TYPES, b) for b in product.billing_type_ids
        ],
        monthly_price=product.monthly_price,
        bundle_only=product.bundle_only,
        mobile_line_type=product.mobile_line_type,
        services=[
            schemas.ServiceRef(id=s, name=services.get(s, str(s))) for s in product.service_ids
        ],
        compatible_products=list(product.compatible_product_ids),
        bundles=[b.bundle_id for b in bundles if pid in _bundle_slots(b)],
        bonuses=[b.bonus_id for b in bonuses if pid in b.compatible_product_ids],
        promotions=[
            p.promotion_id
            for p in promotions
            if p.level == "subscription"
            and (not p.compatible_product_ids or pid in p.compatible_product_ids)
        ],
    )


def _products(
    session: Session, org_id: int, products: Sequence[models.CatalogueProduct]
) -> list[schemas.CatalogueProduct]:
    services = {
        s.service_id: s.name
        for s in repository.list_items(session, models.CatalogueService, org_id)
    }
    bundles = repository.list_items(session, models.CatalogueBundle, org_id)
    bonuses = repository.list_items(session, models.CatalogueBonus, org_id)
    promotions = repository.list_items(session, models.CataloguePromotion, org_id)
    described = support.by_id(support.document(session, org_id), "products")
    return [
        _product(
            p,
            services=services,
            bundles=bundles,
            bonuses=bonuses,
            promotions=promotions,
            described=described,
        )
        for p in products
    ]


def list_products(
    session: Session, *, org_id: int, query: schemas.ProductQuery
) -> schemas.ProductList:
    """The org's products, narrowed by subscription type, billing type and dealer."""
    dealer = support.dealer(support.document(session, org_id), query.dealer_id)
    chosen = [
        p
        for p in repository.list_items(session, models.CatalogueProduct, org_id)
        if (query.subscription_type is None or p.subscription_type_id == query.subscription_type)
        and (query.billing_type is None or query.billing_type in p.billing_type_ids)
        and dealer.sells_product(p.product_id)
    ]
    return schemas.ProductList(products=_products(session, org_id, chosen))


def get_product(session: Session, *, org_id: int, product_id: int) -> schemas.CatalogueProduct:
    product = support.one(session, models.CatalogueProduct, org_id, product_id, "product")
    return _products(session, org_id, [product])[0]


# Bundles


def _bundle(
    bundle: models.CatalogueBundle,
    promotions: Sequence[models.CataloguePromotion],
    targets: dict[int, dict[str, Any]],
) -> schemas.CatalogueBundle:
    slots = bundle.components

    def slot(name: str) -> list[int]:
        return [int(i) for i in slots.get(name) or ()]

    return schemas.CatalogueBundle(
        id=bundle.bundle_id,
        name=bundle.name,
        components=schemas.BundleComponents(
            fixed=slot("fixed"),
            main_mobile=slot("main_mobile"),
            additional_mobile=slot("additional_mobile"),
            extra_mobile=slot("extra_mobile"),
            max_additional_lines=int(slots.get("max_additional_lines") or 0),
            tv=slot("tv"),
            ott=slot("ott"),
        ),
        allowed_migrations=list(bundle.allowed_migration_ids),
        promotions=[
            p.promotion_id
            for p in promotions
            if p.level == "bundle" and _applies_to_bundle(targets.get(p.promotion_id), bundle)
        ],
    )


def _applies_to_bundle(entry: dict[str, Any] | None, bundle: models.CatalogueBundle) -> bool:
    bundles = (entry or {}).get("compatible_bundles") or ()
    return not bundles or bundle.bundle_id in bundles


def list_bundles(session: Session, *, org_id: int, dealer_id: str | None) -> schemas.BundleList:
    document = support.document(session, org_id)
    dealer = support.dealer(document, dealer_id)
    promotions = repository.list_items(session, models.CataloguePromotion, org_id)
    targets = support.by_id(document, "promotions")
    return schemas.BundleList(
        bundles=[
            _bundle(b, promotions, targets)
            for b in repository.list_items(session, models.CatalogueBundle, org_id)
            if dealer.sells_bundle(b.bundle_id)
        ]
    )


def get_bundle(session: Session, *, org_id: int, bundle_id: int) -> schemas.CatalogueBundle:
    bundle = support.one(session, models.CatalogueBundle, org_id, bundle_id, "bundle")
    promotions = repository.list_items(session, models.CataloguePromotion, org_id)
    return _bundle(
        bundle, promotions, support.by_id(support.document(session, org_id), "promotions")
    )
