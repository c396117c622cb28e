"""What an order names, read from its body before anything is stored.

Knowing the lines, promotions and devices up front lets the order load their catalogue rows
in two queries and reserve the ids of its new rows in one (``db.unit_of_work``), instead of
one query and one flush per line.
"""

from typing import Any

from sqlalchemy.orm import Session

from mascustomers.catalog import service as catalog_service
from mascustomers.db.base import Base
from mascustomers.models import AppliedPromotion, Subscription, SubscriptionTerminal
from mascustomers.signups.schemas import Products, PromotionRef


def lines(products: Products) -> list[Any]:
    """Every part of the order that becomes one subscription."""
    bundle = products.bundle
    parts: list[Any] = [products.mobile_line]
    if bundle is not None:
        parts += [bundle.landline, bundle.ftth, bundle.adsl, *bundle.mobile_lines, bundle.tv]
        parts += bundle.ott
    return [part for part in parts if part is not None]


def promotions(products: Products) -> list[PromotionRef]:
    """Every promotion the order applies (each one is one applied promotion)."""
    bundle_level = list(products.bundle.promotions) if products.bundle else []
    return bundle_level + [ref for part in lines(products) for ref in part.promotions]


def preload_catalogue(session: Session, *, org_id: int, products: Products) -> list[object]:
    """The catalogue rows the order names, loaded before it writes: read in the middle of its
    writes, each would end their run and cost a round trip more (``db.pipelining``)."""
    parts = lines(products)
    return catalog_service.preload(
        session,
        org_id=org_id,
        product_ids={part.product_id for part in parts},
        promotion_ids={ref.id for ref in promotions(products)},
        bundle_ids={products.bundle.bundle_id} if products.bundle is not None else set(),
        bonus_ids={bonus.id for part in parts for bonus in getattr(part, "bonuses", [])},
        device_ids={
            device.device_details.catalogue_id
            for part in parts
            for device in getattr(part, "devices", [])
        },
    )


def ids_needed(products: Products, *, more: dict[type[Base], int]) -> dict[type[Base], int]:
    """How many subscriptions, applied promotions and sold terminals the order creates (and
    ``more``): the ids its unit of work reserves."""
    devices = sum(len(getattr(part, "devices", [])) for part in lines(products))
    return {
        Subscription: len(lines(products)),
        AppliedPromotion: len(promotions(products)),
        SubscriptionTerminal: devices,
        **more,
    }
