"""The catalogue as channels read it: the master data (reference tag Signups) and the read-only
catalogue API (extension), what a channel needs to build a valid signup.

Permission ``products``. Every item shows its catalogue id (the id signups and the other
operations take), its prices as JSON numbers, and what it combines with. An id that is not in
the caller's org's catalogue answers 404.
"""

import json
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from mascustomers.auth.caller import CallerDep
from mascustomers.catalog import reads, schemas
from mascustomers.catalog.master_data import MasterData, load_master_data
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)
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
    product_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueProduct:
    """One product by its ``product_id``."""
    return reads.get_product(session, org_id=caller.org_id, product_id=product_id)


@_get("/bundles", schemas.BundleList)
def list_bundles(
    session: SessionDep, caller: CallerDep, dealer_id: DealerId = None
) -> schemas.BundleList:
    """List the convergent bundles: the products each slot may hold, migrations, promotions."""
    return reads.list_bundles(session, org_id=caller.org_id, dealer_id=dealer_id)


@_get("/bundles/{bundle_id}", schemas.CatalogueBundle)
def get_bundle(
    bundle_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueBundle:
    """One bundle by its ``bundle_id``."""
    return reads.get_bundle(session, org_id=caller.org_id, bundle_id=bundle_id)


@_get("/bonuses", schemas.BonusList)
def list_bonuses(
    session: SessionDep,
    caller: CallerDep,
    dealer_id: DealerId = None,
    product_id: Annotated[
        Id | None, Query(description="only bonuses a line with this product may add")
    ] = None,
) -> schemas.BonusList:
    """List the bonuses and the products each is compatible with."""
    return reads.list_bonuses(
        session, org_id=caller.org_id, dealer_id=dealer_id, product_id=product_id
    )


@_get("/bonuses/{bonus_id}", schemas.CatalogueBonus)
def get_bonus(
    bonus_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueBonus:
    """One bonus by its id."""
    return reads.get_bonus(session, org_id=caller.org_id, bonus_id=bonus_id)


@_get("/promotions", schemas.PromotionList)
def list_promotions(
    session: SessionDep,
    caller: CallerDep,
    dealer_id: DealerId = None,
    level: Annotated[
        Literal["subscription", "account", "bundle"] | None, Query(description="promotion level")
    ] = None,
) -> schemas.PromotionList:
    """List the promotions: level, benefit, duration, commitment and what they apply to."""
    return reads.list_promotions(session, org_id=caller.org_id, dealer_id=dealer_id, level=level)


@_get("/promotions/{promotion_id}", schemas.CataloguePromotion)
def get_promotion(
    promotion_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CataloguePromotion:
    """One promotion by its id."""
    return reads.get_promotion(session, org_id=caller.org_id, promotion_id=promotion_id)


@_get("/services", schemas.ServiceList)
def list_services(session: SessionDep, caller: CallerDep) -> schemas.ServiceList:
    """List the services a line can have, whether the customer may switch them, and where."""
    return reads.list_services(session, org_id=caller.org_id)


@_get("/services/{service_id}", schemas.CatalogueService)
def get_service(
    service_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueService:
    """One service by its id."""
    return reads.get_service(session, org_id=caller.org_id, service_id=service_id)


@_get("/devices", schemas.DeviceList)
def list_devices(
    session: SessionDep,
    caller: CallerDep,
    category: Annotated[
        Literal["SMARTPHONE", "TABLET", "SMARTWATCH", "ROUTER", "ACCESSORY"] | None,
        Query(description="terminal category"),
    ] = None,
) -> schemas.DeviceList:
    """List the devices that can be sold or financed (``device_details.catalogue_id``)."""
    return reads.list_devices(session, org_id=caller.org_id, category=category)


@_get("/devices/{catalogue_id}", schemas.CatalogueDevice)
def get_device(
    catalogue_id: CatalogueId, session: SessionDep, caller: CallerDep
) -> schemas.CatalogueDevice:
    """One device by its ``catalogue_id``."""
    return reads.get_device(session, org_id=caller.org_id, catalogue_id=catalogue_id)


@cache
def _master_data_body() -> bytes:
    """The master-data response, serialised once per process (it is read-only data)."""
    document = load_master_data().model_dump(mode="json")
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get("/v2/orgs/{orgId}/signups/master-data", response_model=MasterData)
def master_data(
    dealerId: Annotated[
        str | None, Query(max_length=40, description="(optional) dealer identifier")
    ] = None,
) -> Response:
    """Returns a list of normalized master-data info related to a given a dealerId.

    The 52 Spanish provinces (INE id, ISO 3166-2), document types, nationalities, languages,
    prepaid initial balances, mobile and fixed-line donor operators, sectors, billing types,
    SIM fabrication types, termination and cancellation motives, movement types, recharge
    origins, occupations and occupation sectors: the ids every other operation accepts.

    ``dealerId`` is accepted for compatibility and narrows nothing: none of these lists depends
    on the dealer. What a dealer may sell (products, bundles) is narrowed by the catalogue
    endpoints' ``dealer_id`` (``GET /v2/orgs/{orgId}/catalogue/products?dealer_id=…``).
    """
    return Response(content=_master_data_body(), media_type="application/json")
