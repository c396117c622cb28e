"""Catalogue reads of bonuses, promotions, services and devices (see ``reads``)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from mascustomers import models
from mascustomers.catalog import read_schemas as schemas
from mascustomers.catalog import read_support as support
from mascustomers.catalog import repository


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
    dealer = support.dealer(support.document(session, org_id), dealer_id)
    return schemas.BonusList(
        bonuses=[
            _bonus(b)
            for b in repository.list_items(session, models.CatalogueBonus, org_id)
            if dealer.sells_any_product(b.compatible_product_ids)
            and (product_id is None or product_id in b.compatible_product_ids)
        ]
    )


def get_bonus(session: Session, *, org_id: int, bonus_id: int) -> schemas.CatalogueBonus:
    return _bonus(support.one(session, models.CatalogueBonus, org_id, bonus_id, "bonus"))


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


def _dealer_may_apply(dealer: support.Dealer, promotion: schemas.CataloguePromotion) -> bool:
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
    document = support.document(session, org_id)
    dealer = support.dealer(document, dealer_id)
    entries = support.by_id(document, "promotions")
    promotions = [
        _promotion(p, entries.get(p.promotion_id))
        for p in repository.list_items(session, models.CataloguePromotion, org_id)
        if level is None or p.level == level
    ]
    return schemas.PromotionList(promotions=[p for p in promotions if _dealer_may_apply(dealer, p)])


def get_promotion(
    session: Session, *, org_id: int, promotion_id: int
) -> schemas.CataloguePromotion:
    promotion = support.one(session, models.CataloguePromotion, org_id, promotion_id, "promotion")
    entry = support.by_id(support.document(session, org_id), "promotions").get(promotion_id)
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
    service = support.one(session, models.CatalogueService, org_id, service_id, "service")
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
    return _device(support.one(session, models.CatalogueDevice, org_id, catalogue_id, "device"))
