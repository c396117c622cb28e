"""The catalogue document: one YAML (or JSON) file per org, its models and its loader.

A document lists the org's services, products (tariffs), bundles, bonuses, promotions,
devices, tax rules, risk thresholds and, optionally, which products each dealer may sell. Ids
are the document's own and are what the API shows (``productId``, ``bonusId``, ``bundle_id``,
``catalogue_id``). Money is written as a decimal string (``"29.90"``) and read as ``Decimal``;
floats are refused because they cannot hold most cent values.

Checking happens in two passes. Pydantic checks each entry's shape and reports every such
problem; once the shapes are right, ``file_checks.find_problems`` checks every cross-reference
(unknown or duplicate ids, a bundle slot holding the wrong kind of product …) and reports all
of them at once. ``parse_catalogue`` and ``load_catalogue_file`` turn either pass's failures
into one ``InvalidCatalogueDocument`` (a ``CatalogueInvalid``) listing each problem with its
location. ``CatalogueDocument.model_validate`` alone raises a pydantic ``ValidationError``.

The shipped demo catalogue is ``data/telco.yaml`` (``shipped_catalogue_path()``).
"""

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Self

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from mascustomers.catalog.file_checks import (
    CatalogueProblem,
    CatalogueReferenceErrors,
    InvalidCatalogueDocument,
    find_problems,
    problems_from_validation_error,
)
from mascustomers.catalog.issuer_section import IssuerSection
from mascustomers.catalog.statuses import BillingType, MobileLineType, SubscriptionType
from mascustomers.kit.money import CENT, parse_money

SHIPPED_CATALOGUE = Path(__file__).resolve().parent / "data" / "telco.yaml"

Id = Annotated[int, Field(strict=True, gt=0)]
Count = Annotated[int, Field(strict=True, ge=0)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^\S+$")]
# A non-negative amount with at most two decimals, kept with exactly two.
Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    Field(ge=0, max_digits=12, decimal_places=2),
    AfterValidator(lambda amount: amount.quantize(CENT)),
]
Percent = Annotated[Decimal, BeforeValidator(parse_money), Field(ge=0, le=100, decimal_places=2)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Entry):
    """A service a line can have (VOZ, DATOS, ROAMING …); ``changeable`` by the customer."""

    id: Id
    name: Name
    changeable: bool


class Product(_Entry):
    """A tariff. ``compatible_products`` are the tariffs a line may change to from this one."""

    id: Id
    name: Name
    description: str | None = None
    subscription_type: SubscriptionType
    billing_types: tuple[BillingType, ...] = Field(min_length=1)
    monthly_price: Money
    included_services: tuple[Id, ...] = ()
    compatible_products: tuple[Id, ...] = ()
    # Only sold as part of a bundle (convergent main lines, fixed access, TV …).
    bundle_only: bool = False
    mobile_line_type: MobileLineType | None = None


class BundleComponents(_Entry):
    """Which products each slot of an account bundle may hold.

    The slot names are the keys the signup and migration rules read. ``fixed`` holds the
    access (FTTH or ADSL, at least one) and the landline voice products;
    ``max_additional_lines`` caps additional and extra lines together.
    """

    fixed: tuple[Id, ...] = Field(min_length=1)
    main_mobile: tuple[Id, ...] = ()
    additional_mobile: tuple[Id, ...] = ()
    extra_mobile: tuple[Id, ...] = ()
    max_additional_lines: Count = 0
    tv: tuple[Id, ...] = ()
    ott: tuple[Id, ...] = ()


class Bundle(_Entry):
    id: Id
    name: Name
    components: BundleComponents
    # Bundles an account bundle may migrate to (POST signups/migration ``new_bundle_id``).
    allowed_migrations: tuple[Id, ...] = ()


class Bonus(_Entry):
    """A data/voice package added to a line; without ``duration_days`` it renews monthly."""

    id: Id
    name: Name
    price: Money
    duration_days: Annotated[int, Field(strict=True, gt=0)] | None = None
    compatible_products: tuple[Id, ...] = Field(min_length=1)


class PromotionLevel(StrEnum):
    """The three groups of GET accounts/{id}/promotions."""

    SUBSCRIPTION = "subscription"
    ACCOUNT = "account"
    BUNDLE = "bundle"


class BenefitType(StrEnum):
    PERCENTAGE = "percentage"
    AMOUNT = "amount"


class Promotion(_Entry):
    """A discount; with ``commitment_months`` it binds the customer (a term with a penalty)."""

    id: Id
    code: Code
    name: Name
    level: PromotionLevel
    benefit_type: BenefitType
    benefit_value: Money
    # None: the discount lasts as long as what it is attached to.
    duration_months: Annotated[int, Field(strict=True, gt=0)] | None = None
    commitment_months: Annotated[int, Field(strict=True, gt=0)] | None = None
    penalty_amount: Money | None = None
    # Subscription level: the tariffs it applies to; bundle level: the bundles. Empty: any.
    compatible_products: tuple[Id, ...] = ()
    compatible_bundles: tuple[Id, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.benefit_type is BenefitType.PERCENTAGE and self.benefit_value > 100:
            raise ValueError("a percentage benefit cannot exceed 100")
        if (self.commitment_months is None) != (self.penalty_amount is None):
            raise ValueError("commitment_months and penalty_amount go together")
        _check_level_targets(self)
        return self

    @property
    def binding_type(self) -> str | None:
        """The term's name as the reference shows it (``"12 MESES"``)."""
        return None if self.commitment_months is None else f"{self.commitment_months} MESES"


def _check_level_targets(promotion: Promotion) -> None:
    """Each level may narrow what it applies to, and only with its own kind of id."""
    products, bundles = promotion.compatible_products, promotion.compatible_bundles
    if promotion.level is PromotionLevel.SUBSCRIPTION and bundles:
        raise ValueError("a subscription promotion lists compatible_products, not bundles")
    if promotion.level is PromotionLevel.BUNDLE and products:
        raise ValueError("a bundle promotion lists compatible_bundles, not products")
    if promotion.level is PromotionLevel.ACCOUNT and (products or bundles):
        raise ValueError("an account promotion applies to the whole account: no products/bundles")


class DeviceCategory(StrEnum):
    """``terminal_category_type`` of the reference's DeviceInfo."""

    SMARTPHONE = "SMARTPHONE"
    TABLET = "TABLET"
    SMARTWATCH = "SMARTWATCH"
    ROUTER = "ROUTER"
    ACCESSORY = "ACCESSORY"


class Device(_Entry):
    """A terminal that can be sold or financed (``device_details.catalogue_id``)."""

    catalogue_id: Id
    model_id: Id
    name: Name
    model: Name
    category: DeviceCategory
    terminal_code: Code
    price: Money


class TaxName(StrEnum):
    IVA = "IVA"
    IGIC = "IGIC"
    IPSI = "IPSI"


class TaxRate(_Entry):
    """A tax and its rates (percent): on services and on terminals."""

    tax_name: TaxName
    rate: Percent
    terminal_rate: Percent


class StateTaxRule(TaxRate):
    state_id: Id


class TaxRules(_Entry):
    """The ``default`` applies to every province not listed in ``by_state`` (INE ids)."""

    default: TaxRate
    by_state: tuple[StateTaxRule, ...] = ()


class RiskPolicy(_Entry):
    """Thresholds of the risk decision (``mascustomers.risk.policy`` applies them)."""

    scoring_review_below: Count
    scoring_reject_below: Count
    max_financed_without_scoring: Money
    sim_replacements_30d_review: Annotated[int, Field(strict=True, gt=0)]
    overdue_invoices_reject: Annotated[int, Field(strict=True, gt=0)]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.scoring_reject_below > self.scoring_review_below:
            raise ValueError("scoring_reject_below cannot be above scoring_review_below")
        return self


class Dealer(_Entry):
    """A dealer (``dealer_id`` of sales_info) limited to these products and bundles."""

    dealer_id: Code
    name: str | None = None
    products: tuple[Id, ...] = Field(min_length=1)
    bundles: tuple[Id, ...] = ()


class CatalogueDocument(_Entry):
    """An org's whole catalogue; lookups by id are O(1)."""

    version: Annotated[str, Field(min_length=1, max_length=40)]
    description: str | None = None
    services: tuple[Service, ...]
    products: tuple[Product, ...] = Field(min_length=1)
    bundles: tuple[Bundle, ...] = ()
    bonuses: tuple[Bonus, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    devices: tuple[Device, ...] = ()
    tax_rules: TaxRules
    risk_policy: RiskPolicy
    # Without an entry a dealer may sell everything.
    dealers: tuple[Dealer, ...] = ()
    # Who issues the org's invoices (legal name, NIF, fiscal address, series).
    issuer: IssuerSection | None = None

    _products: dict[int, Product] = PrivateAttr(default_factory=dict)
    _bundles: dict[int, Bundle] = PrivateAttr(default_factory=dict)
    _bonuses: dict[int, Bonus] = PrivateAttr(default_factory=dict)
    _promotions: dict[int, Promotion] = PrivateAttr(default_factory=dict)
    _services: dict[int, Service] = PrivateAttr(default_factory=dict)
    _devices: dict[int, Device] = PrivateAttr(default_factory=dict)
    _dealers: dict[str, Dealer] = PrivateAttr(default_factory=dict)
    _taxes: dict[int, StateTaxRule] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        problems = find_problems(self)
        if problems:
            raise CatalogueReferenceErrors(problems)
        self._index()
        return self

    def _index(self) -> None:
        self._products = {product.id: product for product in self.products}
        self._bundles = {bundle.id: bundle for bundle in self.bundles}
        self._bonuses = {bonus.id: bonus for bonus in self.bonuses}
        self._promotions = {promotion.id: promotion for promotion in self.promotions}
        self._services = {service.id: service for service in self.services}
        self._devices = {device.catalogue_id: device for device in self.devices}
        self._dealers = {dealer.dealer_id: dealer for dealer in self.dealers}
        self._taxes = {rule.state_id: rule for rule in self.tax_rules.by_state}

    def product(self, product_id: int) -> Product | None:
        return self._products.get(product_id)

    def bundle(self, bundle_id: int) -> Bundle | None:
        return self._bundles.get(bundle_id)

    def bonus(self, bonus_id: int) -> Bonus | None:
        return self._bonuses.get(bonus_id)

    def promotion(self, promotion_id: int) -> Promotion | None:
        return self._promotions.get(promotion_id)

    def service(self, service_id: int) -> Service | None:
        return self._services.get(service_id)

    def device(self, catalogue_id: int) -> Device | None:
        return self._devices.get(catalogue_id)

    def dealer(self, dealer_id: str) -> Dealer | None:
        return self._dealers.get(dealer_id)

    def tax_rule(self, state_id: int) -> TaxRate:
        """The tax of a province (INE id): its own rule, else the default."""
        return self._taxes.get(state_id, self.tax_rules.default)

    def products_for_dealer(self, dealer_id: str | None) -> tuple[Product, ...]:
        """The products a dealer may sell: its list if it has one, else all of them."""
        dealer = None if dealer_id is None else self.dealer(dealer_id)
        if dealer is None:
            return self.products
        return tuple(self._products[product_id] for product_id in dealer.products)

    def bundles_for_dealer(self, dealer_id: str | None) -> tuple[Bundle, ...]:
        """The bundles a dealer may sell: its list if it has one, else all of them."""
        dealer = None if dealer_id is None else self.dealer(dealer_id)
        if dealer is None:
            return self.bundles
        return tuple(self._bundles[bundle_id] for bundle_id in dealer.bundles)


def parse_catalogue(data: object, *, source: str = "catalogue") -> CatalogueDocument:
    """A checked document from parsed YAML/JSON; ``InvalidCatalogueDocument`` lists all faults."""
    if not isinstance(data, Mapping):
        problem = CatalogueProblem("", f"a catalogue is a mapping, not {type(data).__name__}")
        raise InvalidCatalogueDocument(source, [problem])
    try:
        return CatalogueDocument.model_validate(data)
    except ValidationError as error:
        raise InvalidCatalogueDocument(source, problems_from_validation_error(error)) from error


def load_catalogue_file(path: Path | str) -> CatalogueDocument:
    """Read and check a catalogue file (YAML, or JSON, which YAML reads too)."""
    path = Path(path)
    raw = _read_yaml(path)
    return parse_catalogue(raw, source=path.name)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream)
    except OSError as error:
        problem = CatalogueProblem("", f"cannot read the file: {error.strerror}")
        raise InvalidCatalogueDocument(path.name, [problem]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = "" if mark is None else f"line {mark.line + 1}, column {mark.column + 1}"
        problem = CatalogueProblem(where, f"not valid YAML: {getattr(error, 'problem', error)}")
        raise InvalidCatalogueDocument(path.name, [problem]) from error


def shipped_catalogue_path() -> Path:
    """The demo catalogue the package ships (org ``telco``)."""
    return SHIPPED_CATALOGUE


@cache
def load_shipped_catalogue() -> CatalogueDocument:
    """The shipped demo catalogue, parsed once per process."""
    return load_catalogue_file(SHIPPED_CATALOGUE)
