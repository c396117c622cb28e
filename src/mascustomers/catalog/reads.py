"""What the catalogue read API (``/v2/orgs/{orgId}/catalogue/...``, an extension) answers, built
from the org's catalogue tables.

What the catalogue reads share: the stored document, dealers' limits, lookups by id.

The catalogue read API's answers, built from the org's catalogue tables.

The tables are what selling operations check against, so the API shows exactly what can be
sold. The loaded document (``org_catalogue``) adds what has no column: product descriptions,
bundle-level promotion targets and the dealers' lists. A dealer without a list, or an org
without a document, sells everything.

Catalogue reads of bonuses, promotions, services and devices (see ``reads``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from mascustomers import models
from mascustomers.catalog import master_data, repository, schemas
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.db.base import Base
from mascustomers.errors import NotFound

T = TypeVar("T", bound=Base)


@dataclass(frozen=True)
class Dealer:
    """What one dealer may sell; ``None`` sets mean no limit."""

    products: frozenset[int] | None = None
    bundles: frozenset[int] | None = None

    def sells_product(self, product_id: int) -> bool:
        return self.products is None or product_id in self.products

    def sells_any_product(self, product_ids: Iterable[int]) -> bool:
        return self.products is None or not self.products.isdisjoint(product_ids)

    def sells_bundle(self, bundle_id: int) -> bool:
        return self.bundles is None or bundle_id in self.bundles


def stored_document(session: Session, org_id: int) -> dict[str, Any]:
    return repository.get_document(session, org_id) or {}


def dealer_limits(document: dict[str, Any], dealer_id: str | None) -> Dealer:
    if dealer_id is None:
        return Dealer()
    for dealer in document.get("dealers") or ():
        if dealer.get("dealer_id") == dealer_id:
            products = frozenset(int(i) for i in dealer.get("products") or ())
            return Dealer(products, frozenset(int(i) for i in dealer.get("bundles") or ()))
    return Dealer()


def by_id(document: dict[str, Any], section: str, key: str = "id") -> dict[int, dict[str, Any]]:
    return {int(entry[key]): entry for entry in document.get(section) or () if key in entry}


def label(kind: MasterDataList, item_id: int) -> schemas.CatalogueLabel:
    return schemas.CatalogueLabel(
        id=item_id, value=master_data.value(kind, item_id) or str(item_id)
    )


def one(session: Session, model: type[T], org_id: int, item_id: int, what: str) -> T:
    item = repository.get(session, model, org_id, item_id)
    if item is None:
        raise NotFound(f"{what} {item_id} is not in this org's catalogue")
    return item


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
        subscription_type=label(MasterDataList.SUBSCRIPTION_TYPES, product.subscription_type_id),
        billing_types=[label(MasterDataList.BILLING_TYPES, b) for b in product.billing_type_ids],
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
    described = by_id(stored_document(session, org_id), "products")
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
    dealer = dealer_limits(stored_document(session, org_id), query.dealer_id)
    chosen = [
        p
        for p in repository.list_items(session, models.CatalogueProduct, org_id)
        if (query.subscription_type is None or p.subscription_type_id == query.subscription_type)
        and (query.billing_type is None or query.billing_type in p.billing_type_ids)
        and dealer.sells_product(p.product_id)
    ]
    return schemas.ProductList(products=_products(session, org_id, chosen))


def get_product(session: Session, *, org_id: int, product_id: int) -> schemas.CatalogueProduct:
    product = one(session, models.CatalogueProduct, org_id, product_id, "product")
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
    document = stored_document(session, org_id)
    dealer = dealer_limits(document, dealer_id)
    promotions = repository.list_items(session, models.CataloguePromotion, org_id)
    targets = by_id(document, "promotions")
    return schemas.BundleList(
        bundles=[
            _bundle(b, promotions, targets)
            for b in repository.list_items(session, models.CatalogueBundle, org_id)
            if dealer.sells_bundle(b.bundle_id)
        ]
    )


def get_bundle(session: Session, *, org_id: int, bundle_id: int) -> schemas.CatalogueBundle:
    bundle = one(session, models.CatalogueBundle, org_id, bundle_id, "bundle")
    promotions = repository.list_items(session, models.CataloguePromotion, org_id)
    return _bundle(bundle, promotions, by_id(stored_document(session, org_id), "promotions"))


def _bonus(bonus: models.CatalogueBonus) -> schemas.CatalogueBonus:
    return schemas.CatalogueBonus(
        id=bonus.bonus_id,
        name=bonus.name,
        price=bonus.price,
        duration_days=bonus.duration_days,
        compatible_products=list(bonus.compatible_product_ids),
    )


def list_bonuses(
    session: Session, *, org_id: int, dealer_id: str | None, product_id: int | None
) -> schemas.BonusList:
    """Bonuses, narrowed to those a product (or any product a dealer sells) may add."""
    dealer = dealer_limits(stored_document(session, org_id), dealer_id)
    return schemas.BonusList(
        bonuses=[
            _bonus(b)
            for b in repository.list_items(session, models.CatalogueBonus, org_id)
            if dealer.sells_any_product(b.compatible_product_ids)
            and (product_id is None or product_id in b.compatible_product_ids)
        ]
    )


def get_bonus(session: Session, *, org_id: int, bonus_id: int) -> schemas.CatalogueBonus:
    return _bonus(one(session, models.CatalogueBonus, org_id, bonus_id, "bonus"))


def _promotion(
    promotion: models.CataloguePromotion, entry: dict[str, Any] | None
) -> schemas.CataloguePromotion:
    commitment = promotion.commitment_months
    return schemas.CataloguePromotion(
        id=promotion.promotion_id,
        code=promotion.code,
        name=promotion.name,
        level=promotion.level,
        benefit_type=promotion.benefit_type,
        benefit_value=promotion.benefit_value,
        duration_months=promotion.duration_months,
        commitment_months=commitment,
        penalty_amount=promotion.penalty_amount,
        binding_type=None if commitment is None else f"{commitment} MESES",
        compatible_products=list(promotion.compatible_product_ids),
        compatible_bundles=[int(i) for i in (entry or {}).get("compatible_bundles") or ()],
    )


def _dealer_may_apply(dealer: Dealer, promotion: schemas.CataloguePromotion) -> bool:
    """Whether a promotion applies to something the dealer sells (account level: always)."""
    if promotion.level == "subscription":
        return not promotion.compatible_products or dealer.sells_any_product(
            promotion.compatible_products
        )
    if promotion.level == "bundle":
        targets: Sequence[int] = promotion.compatible_bundles
        if dealer.bundles is None:
            return True
        return bool(dealer.bundles) and (not targets or not dealer.bundles.isdisjoint(targets))
    return True


def list_promotions(
    session: Session, *, org_id: int, dealer_id: str | None, level: str | None
) -> schemas.PromotionList:
    """Promotions, by level, narrowed to those applying to what a dealer sells."""
    document = stored_document(session, org_id)
    dealer = dealer_limits(document, dealer_id)
    entries = by_id(document, "promotions")
    promotions = [
        _promotion(p, entries.get(p.promotion_id))
        for p in repository.list_items(session, models.CataloguePromotion, org_id)
        if level is None or p.level == level
    ]
    return schemas.PromotionList(promotions=[p for p in promotions if _dealer_may_apply(dealer, p)])


def get_promotion(
    session: Session, *, org_id: int, promotion_id: int
) -> schemas.CataloguePromotion:
    promotion = one(session, models.CataloguePromotion, org_id, promotion_id, "promotion")
    entry = by_id(stored_document(session, org_id), "promotions").get(promotion_id)
    return _promotion(promotion, entry)


def _services(
    session: Session, org_id: int, services: Sequence[models.CatalogueService]
) -> list[schemas.CatalogueService]:
    products = repository.list_items(session, models.CatalogueProduct, org_id)
    return [
        schemas.CatalogueService(
            id=s.service_id,
            name=s.name,
            changeable=s.changeable,
            products=[p.product_id for p in products if s.service_id in p.service_ids],
        )
        for s in services
    ]


def list_services(session: Session, *, org_id: int) -> schemas.ServiceList:
    services = repository.list_items(session, models.CatalogueService, org_id)
    return schemas.ServiceList(services=_services(session, org_id, services))


def get_service(session: Session, *, org_id: int, service_id: int) -> schemas.CatalogueService:
    service = one(session, models.CatalogueService, org_id, service_id, "service")
    return _services(session, org_id, [service])[0]


def _device(device: models.CatalogueDevice) -> schemas.CatalogueDevice:
    return schemas.CatalogueDevice(
        id=device.catalogue_id,
        model_id=device.model_id,
        name=device.name,
        model=device.model,
        category=device.category,
        terminal_code=device.terminal_code,
        price=device.price,
    )


def list_devices(session: Session, *, org_id: int, category: str | None) -> schemas.DeviceList:
    return schemas.DeviceList(
        devices=[
            _device(d)
            for d in repository.list_items(session, models.CatalogueDevice, org_id)
            if category is None or d.category == category.upper()
        ]
    )


def get_device(session: Session, *, org_id: int, catalogue_id: int) -> schemas.CatalogueDevice:
    return _device(one(session, models.CatalogueDevice, org_id, catalogue_id, "device"))
