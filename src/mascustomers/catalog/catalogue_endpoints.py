"""The read-only catalogue API (extension): what a channel needs to build a valid signup.

Permission ``products``. Every item shows its catalogue id (the id signups and the other
operations take), its prices as JSON numbers, and what it combines with. An id that is not in
the caller's org's catalogue answers 404.
"""

from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from mascustomers.auth.caller import CallerDep
from mascustomers.catalog import read_schemas as schemas
from mascustomers.catalog import reads, reads_extras
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id

router = APIRouter()
_EXTRA = {"x-permission": "products"}
_TAGS: list[str | Enum] = ["Catalogue"]
_BASE = "/v2/orgs/{orgId}/catalogue"
_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])


def _get(path: str, model: type[BaseModel]) -> Callable[[_Endpoint], _Endpoint]:
    """A GET route of the catalogue API: tag Catalogue, permission ``products``."""
    return router.get(f"{_BASE}{path}", response_model=model, tags=_TAGS, openapi_extra=_EXTRA)


OrgId = Annotated[str, Path(alias="orgId", description="organization name")]
CatalogueId = Annotated[Id, Path(description="the item's catalogue id")]
DealerId = Annotated[
    str | None,
    Query(
        max_length=40,
        description="only what this dealer may sell (a dealer the catalogue does not list "
        "may sell everything)",
    ),
]


@_get("/products", schemas.ProductList)
def list_products(
    org: OrgId,
    session: SessionDep,
    caller: CallerDep,
    query: Annotated[schemas.ProductQuery, Query()],
) -> schemas.ProductList:
    """List the catalogue's products (tariffs).

    Each product lists its included services, the products a line may change to
    (``compatible_products``), the bundles that offer it, and the bonuses and subscription
    promotions a line with it may take.
    """
    return reads.list_products(session, org_id=caller.org_id, query=query)


@_get("/products/{product_id}", schemas.CatalogueProduct)
def get_product(
    org: OrgId, product_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueProduct:
    """One product by its ``product_id``."""
    return reads.get_product(session, org_id=caller.org_id, product_id=product_id)


@_get("/bundles", schemas.BundleList)
def list_bundles(
    org: OrgId, session: SessionDep, caller: CallerDep, dealer_id: DealerId = None
) -> schemas.BundleList:
    """List the convergent bundles: the products each slot may hold, migrations, promotions."""
    return reads.list_bundles(session, org_id=caller.org_id, dealer_id=dealer_id)


@_get("/bundles/{bundle_id}", schemas.CatalogueBundle)
def get_bundle(
    org: OrgId, bundle_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueBundle:
    """One bundle by its ``bundle_id``."""
    return reads.get_bundle(session, org_id=caller.org_id, bundle_id=bundle_id)


@_get("/bonuses", schemas.BonusList)
def list_bonuses(
    org: OrgId,
    session: SessionDep,
    caller: CallerDep,
    dealer_id: DealerId = None,
    product_id: Annotated[
        Id | None, Query(description="only bonuses a line with this product may add")
    ] = None,
) -> schemas.BonusList:
    """List the bonuses and the products each is compatible with."""
    return reads_extras.list_bonuses(
        session, org_id=caller.org_id, dealer_id=dealer_id, product_id=product_id
    )


@_get("/bonuses/{bonus_id}", schemas.CatalogueBonus)
def get_bonus(
    org: OrgId, bonus_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueBonus:
    """One bonus by its id."""
    return reads_extras.get_bonus(session, org_id=caller.org_id, bonus_id=bonus_id)


@_get("/promotions", schemas.PromotionList)
def list_promotions(
    org: OrgId,
    session: SessionDep,
    caller: CallerDep,
    dealer_id: DealerId = None,
    level: Annotated[
        Literal["subscription", "account", "bundle"] | None, Query(description="promotion level")
    ] = None,
) -> schemas.PromotionList:
    """List the promotions: level, benefit, duration, commitment and what they apply to."""
    return reads_extras.list_promotions(
        session, org_id=caller.org_id, dealer_id=dealer_id, level=level
    )


@_get("/promotions/{promotion_id}", schemas.CataloguePromotion)
def get_promotion(
    org: OrgId, promotion_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CataloguePromotion:
    """One promotion by its id."""
    return reads_extras.get_promotion(session, org_id=caller.org_id, promotion_id=promotion_id)


@_get("/services", schemas.ServiceList)
def list_services(org: OrgId, session: SessionDep, caller: CallerDep) -> schemas.ServiceList:
    """List the services a line can have, whether the customer may switch them, and where."""
    return reads_extras.list_services(session, org_id=caller.org_id)


@_get("/services/{service_id}", schemas.CatalogueService)
def get_service(
    org: OrgId, service_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueService:
    """One service by its id."""
    return reads_extras.get_service(session, org_id=caller.org_id, service_id=service_id)


@_get("/devices", schemas.DeviceList)
def list_devices(
    org: OrgId,
    session: SessionDep,
    caller: CallerDep,
    category: Annotated[
        Literal["SMARTPHONE", "TABLET", "SMARTWATCH", "ROUTER", "ACCESSORY"] | None,
        Query(description="terminal category"),
    ] = None,
) -> schemas.DeviceList:
    """List the devices that can be sold or financed (``device_details.catalogue_id``)."""
    return reads_extras.list_devices(session, org_id=caller.org_id, category=category)


@_get("/devices/{catalogue_id}", schemas.CatalogueDevice)
def get_device(
    org: OrgId, catalogue_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueDevice:
    """One device by its ``catalogue_id``."""
    return reads_extras.get_device(session, org_id=caller.org_id, catalogue_id=catalogue_id)
