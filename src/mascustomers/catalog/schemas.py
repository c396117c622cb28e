"""Bodies of the catalogue read API (``/v2/orgs/{orgId}/catalogue/...``), an extension.

Ids are the catalogue's own: what signups and the other operations take (``product_id``,
``bundle_id``, ``bonuses[].id``, ``promotions[].id``, ``device_details.catalogue_id``).
Prices are JSON numbers in EUR without tax.
"""

from typing import Literal

from pydantic import BaseModel, Field

from mascustomers.kit.schemas import IdValue, JsonAmount


class ProductQuery(BaseModel):
    """Filters of GET catalogue/products."""

    subscription_type: int | None = Field(
        default=None,
        ge=1,
        le=99,
        description="1 PRE-PAGO, 2 POST-PAGO, 3 FIJO, 4 FTTH, 5 ADSL, 6 TV, 7 OTT, "
        "11 SEGURO DISPOSITIVO, 12 NETFLIX, 13 APPLE WATCH",
    )
    billing_type: int | None = Field(default=None, ge=1, le=2, description="1 POSPAGO, 2 PREPAGO")
    dealer_id: str | None = Field(
        default=None,
        max_length=40,
        description="only what this dealer may sell (a dealer the catalogue does not list may "
        "sell everything)",
    )


class CatalogueLabel(IdValue):
    """A master-data id with its label (subscription type, billing type)."""


class ServiceRef(BaseModel):
    id: int
    name: str


class CatalogueProduct(BaseModel):
    """A tariff, with everything it can be combined with."""

    id: int = Field(description="product_id of signups and product changes")
    name: str
    description: str | None = None
    subscription_type: CatalogueLabel
    billing_types: list[CatalogueLabel]
    monthly_price: JsonAmount
    bundle_only: bool = Field(description="only sold inside a bundle")
    mobile_line_type: str | None = Field(
        default=None, description="main, additional or extra: the bundle slot of a mobile tariff"
    )
    services: list[ServiceRef] = Field(description="services included")
    compatible_products: list[int] = Field(description="products a line may change to")
    bundles: list[int] = Field(description="bundles that offer this product")
    bonuses: list[int] = Field(description="bonuses a line with this product may add")
    promotions: list[int] = Field(description="subscription promotions that apply to it")


class BundleComponents(BaseModel):
    """Which products each slot of the account bundle may hold."""

    fixed: list[int] = Field(description="fibre or ADSL access, and landline products")
    main_mobile: list[int]
    additional_mobile: list[int]
    extra_mobile: list[int]
    max_additional_lines: int = Field(description="additional and extra lines together")
    tv: list[int]
    ott: list[int]


class CatalogueBundle(BaseModel):
    id: int = Field(description="bundle_id of signups and bundle migrations")
    name: str
    components: BundleComponents
    allowed_migrations: list[int] = Field(description="bundles this one may migrate to")
    promotions: list[int] = Field(description="bundle-level promotions that apply to it")


class CatalogueBonus(BaseModel):
    id: int
    name: str
    price: JsonAmount
    duration_days: int | None = Field(description="null: renews monthly until removed")
    compatible_products: list[int]


class CataloguePromotion(BaseModel):
    id: int
    code: str
    name: str
    level: Literal["subscription", "account", "bundle"]
    benefit_type: Literal["percentage", "amount"]
    benefit_value: JsonAmount
    duration_months: int | None = Field(description="null: lasts as long as what it is on")
    commitment_months: int | None
    penalty_amount: JsonAmount | None
    binding_type: str | None = Field(description='the term it binds to, e.g. "12 MESES"')
    compatible_products: list[int] = Field(description="subscription level; empty: any")
    compatible_bundles: list[int] = Field(description="bundle level; empty: any")


class CatalogueService(BaseModel):
    id: int
    name: str
    changeable: bool = Field(description="the customer may switch it on and off")
    products: list[int] = Field(description="products that include it")


class CatalogueDevice(BaseModel):
    id: int = Field(description="catalogue_id of device_details")
    model_id: int
    name: str
    model: str
    category: str
    terminal_code: str
    price: JsonAmount


class ProductList(BaseModel):
    products: list[CatalogueProduct]


class BundleList(BaseModel):
    bundles: list[CatalogueBundle]


class BonusList(BaseModel):
    bonuses: list[CatalogueBonus]


class PromotionList(BaseModel):
    promotions: list[CataloguePromotion]


class ServiceList(BaseModel):
    services: list[CatalogueService]


class DeviceList(BaseModel):
    devices: list[CatalogueDevice]
