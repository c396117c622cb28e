"""Cross-reference checks of a catalogue document, and how its problems are reported.

``find_problems`` runs every check and returns every problem, so one load shows the editor
all of them rather than the first. Locations name entries by id (``bundles[id=954]``) where
the entry has one, by position where the problem is the id itself (a duplicate).
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from pydantic import ValidationError

from mascustomers.catalog import master_data
from mascustomers.catalog.errors import CatalogueInvalid
from mascustomers.catalog.statuses import BillingType, MobileLineType, SubscriptionType

if TYPE_CHECKING:
    from mascustomers.catalog.file_format import Bundle, CatalogueDocument, Product

_MOBILE = frozenset({SubscriptionType.POSTPAID_MOBILE})
_FIXED = frozenset({SubscriptionType.FTTH, SubscriptionType.ADSL, SubscriptionType.LANDLINE})
# What each bundle slot may hold: subscription types, and the mobile line type if any.
_SLOTS: dict[str, tuple[frozenset[SubscriptionType], MobileLineType | None]] = {
    "fixed": (_FIXED, None),
    "main_mobile": (_MOBILE, MobileLineType.MAIN),
    "additional_mobile": (_MOBILE, MobileLineType.ADDITIONAL),
    "extra_mobile": (_MOBILE, MobileLineType.EXTRA),
    "tv": (frozenset({SubscriptionType.TV}), None),
    "ott": (frozenset({SubscriptionType.OTT, SubscriptionType.NETFLIX}), None),
}


class CatalogueProblem(NamedTuple):
    """One fault: where (``products[id=364].compatible_products``) and what."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class CatalogueReferenceErrors(ValueError):
    """Raised inside validation; pydantic keeps it in the error's ``ctx`` with its problems."""

    def __init__(self, problems: Sequence[CatalogueProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


class InvalidCatalogueDocument(CatalogueInvalid):
    """A catalogue that cannot be loaded; ``problems`` lists every fault found."""

    def __init__(self, source: str, problems: Sequence[CatalogueProblem]) -> None:
        count = len(problems)
        listed = "; ".join(str(problem) for problem in problems)
        super().__init__(
            f"{source}: {count} problem{'s' if count != 1 else ''}: {listed}",
            source=source,
            problems=[problem._asdict() for problem in problems],
        )
        self.problems = tuple(problems)


def problems_from_validation_error(error: ValidationError) -> list[CatalogueProblem]:
    """Every line of a pydantic error, with reference problems unpacked one by one."""
    problems: list[CatalogueProblem] = []
    for line in error.errors():
        cause = line.get("ctx", {}).get("error")
        if isinstance(cause, CatalogueReferenceErrors):
            problems.extend(cause.problems)
        else:
            problems.append(CatalogueProblem(_location(line["loc"]), line["msg"]))
    return problems


def _location(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def find_problems(document: "CatalogueDocument") -> list[CatalogueProblem]:
    """Every cross-reference problem of a document whose entries are each well formed."""
    problems: list[CatalogueProblem] = []
    problems += _duplicates(document)
    products = {product.id: product for product in document.products}
    services = {service.id for service in document.services}
    bundles = {bundle.id for bundle in document.bundles}
    for product in document.products:
        problems += _product_problems(product, products, services)
    for bundle in document.bundles:
        problems += _bundle_problems(bundle, products, bundles)
    problems += _unbundled_products(document)
    problems += _other_references(document, set(products), bundles)
    problems += _tax_problems(document)
    return problems


def _duplicates(document: "CatalogueDocument") -> list[CatalogueProblem]:
    keyed: list[tuple[str, str, Iterable[object]]] = [
        ("services", "id", (entry.id for entry in document.services)),
        ("products", "id", (entry.id for entry in document.products)),
        ("bundles", "id", (entry.id for entry in document.bundles)),
        ("bonuses", "id", (entry.id for entry in document.bonuses)),
        ("promotions", "id", (entry.id for entry in document.promotions)),
        ("promotions", "code", (entry.code for entry in document.promotions)),
        ("devices", "catalogue_id", (entry.catalogue_id for entry in document.devices)),
        ("devices", "terminal_code", (entry.terminal_code for entry in document.devices)),
        ("dealers", "dealer_id", (entry.dealer_id for entry in document.dealers)),
        ("tax_rules.by_state", "state_id", (rule.state_id for rule in document.tax_rules.by_state)),
    ]
    problems: list[CatalogueProblem] = []
    for section, key, values in keyed:
        first_at: dict[object, int] = {}
        for index, value in enumerate(values):
            if value in first_at:
                message = f"duplicate {key} {value} (first at {section}[{first_at[value]}])"
                problems.append(CatalogueProblem(f"{section}[{index}]", message))
            first_at.setdefault(value, index)
    return problems


def _product_problems(
    product: "Product", products: dict[int, "Product"], services: set[int]
) -> list[CatalogueProblem]:
    where = f"products[id={product.id}]"
    problems = [
        CatalogueProblem(f"{where}.included_services", f"unknown service {service_id}")
        for service_id in product.included_services
        if service_id not in services
    ]
    for target_id in product.compatible_products:
        message = _compatibility_problem(product, products.get(target_id), target_id)
        if message:
            problems.append(CatalogueProblem(f"{where}.compatible_products", message))
    problems += _line_and_billing_problems(product, where)
    return problems


def _compatibility_problem(
    product: "Product", target: "Product | None", target_id: int
) -> str | None:
    """Why a line could not change from ``product`` to ``target``, if it could not."""
    if target is None:
        return f"unknown product {target_id}"
    if target.id == product.id:
        return "a product cannot list itself as compatible"
    if target.subscription_type != product.subscription_type:
        return f"product {target_id} is of another subscription type"
    if target.mobile_line_type != product.mobile_line_type:
        return f"product {target_id} is for another mobile line type"
    return None


def _line_and_billing_problems(product: "Product", where: str) -> list[CatalogueProblem]:
    problems: list[CatalogueProblem] = []
    kind = product.subscription_type
    if product.mobile_line_type is not None and not kind.is_mobile:
        problems.append(
            CatalogueProblem(
                f"{where}.mobile_line_type", f"a {kind.label} product has no line type"
            )
        )
    billing = set(product.billing_types)
    if kind is SubscriptionType.PREPAID_MOBILE and billing != {BillingType.PREPAGO}:
        problems.append(CatalogueProblem(f"{where}.billing_types", "a PRE-PAGO tariff is PREPAGO"))
    if kind is SubscriptionType.POSTPAID_MOBILE and BillingType.PREPAGO in billing:
        problems.append(
            CatalogueProblem(f"{where}.billing_types", "a POST-PAGO tariff cannot be PREPAGO")
        )
    return problems


def _bundle_problems(
    bundle: "Bundle", products: dict[int, "Product"], bundles: set[int]
) -> list[CatalogueProblem]:
    where = f"bundles[id={bundle.id}]"
    problems: list[CatalogueProblem] = []
    for slot, (kinds, line_type) in _SLOTS.items():
        for product_id in getattr(bundle.components, slot):
            message = _slot_problem(products.get(product_id), product_id, kinds, line_type)
            if message:
                problems.append(CatalogueProblem(f"{where}.components.{slot}", message))
    problems += _capacity_problems(bundle, products, where)
    for target_id in bundle.allowed_migrations:
        if target_id == bundle.id:
            message = "a bundle cannot migrate to itself"
        elif target_id not in bundles:
            message = f"unknown bundle {target_id}"
        else:
            continue
        problems.append(CatalogueProblem(f"{where}.allowed_migrations", message))
    return problems


def _capacity_problems(
    bundle: "Bundle", products: dict[int, "Product"], where: str
) -> list[CatalogueProblem]:
    components = bundle.components
    problems: list[CatalogueProblem] = []
    has_lines = bool(components.additional_mobile or components.extra_mobile)
    if has_lines != (components.max_additional_lines > 0):
        message = "additional/extra mobile products and a positive max_additional_lines go together"
        problems.append(CatalogueProblem(f"{where}.components", message))
    accesses = [
        product_id
        for product_id in components.fixed
        if product_id in products and products[product_id].subscription_type.is_fixed_access
    ]
    if not accesses:
        message = "needs an access: an FTTH or ADSL product"
        problems.append(CatalogueProblem(f"{where}.components.fixed", message))
    return problems


def _slot_problem(
    product: "Product | None",
    product_id: int,
    kinds: frozenset[SubscriptionType],
    line_type: MobileLineType | None,
) -> str | None:
    if product is None:
        return f"unknown product {product_id}"
    if product.subscription_type not in kinds:
        allowed = ", ".join(sorted(kind.label for kind in kinds))
        return f"product {product_id} is {product.subscription_type.label}, expected {allowed}"
    if line_type is not None and product.mobile_line_type is not line_type:
        return f"product {product_id} is not a tariff for {line_type.value} lines"
    return None


def _unbundled_products(document: "CatalogueDocument") -> list[CatalogueProblem]:
    """A bundle-only product that no bundle offers could never be sold."""
    offered = {
        product_id
        for bundle in document.bundles
        for slot in _SLOTS
        for product_id in getattr(bundle.components, slot)
    }
    return [
        CatalogueProblem(f"products[id={product.id}]", "bundle_only but in no bundle")
        for product in document.products
        if product.bundle_only and product.id not in offered
    ]


def _other_references(
    document: "CatalogueDocument", products: set[int], bundles: set[int]
) -> list[CatalogueProblem]:
    """Product and bundle ids named by bonuses, promotions and dealers."""
    # (location, what the ids name, the ids, the known ids)
    references: list[tuple[str, str, Iterable[int], set[int]]] = []
    for bonus in document.bonuses:
        where = f"bonuses[id={bonus.id}]"
        references.append(
            (f"{where}.compatible_products", "product", bonus.compatible_products, products)
        )
    for promotion in document.promotions:
        where = f"promotions[id={promotion.id}]"
        references += [
            (f"{where}.compatible_products", "product", promotion.compatible_products, products),
            (f"{where}.compatible_bundles", "bundle", promotion.compatible_bundles, bundles),
        ]
    for dealer in document.dealers:
        where = f"dealers[{dealer.dealer_id}]"
        references += [
            (f"{where}.products", "product", dealer.products, products),
            (f"{where}.bundles", "bundle", dealer.bundles, bundles),
        ]
    return [
        CatalogueProblem(location, f"unknown {kind} {item_id}")
        for location, kind, ids, known in references
        for item_id in ids
        if item_id not in known
    ]


def _tax_problems(document: "CatalogueDocument") -> list[CatalogueProblem]:
    provinces = master_data.ids(master_data.MasterDataList.STATES)
    return [
        CatalogueProblem(f"tax_rules.by_state[{index}]", f"{rule.state_id} is not a province id")
        for index, rule in enumerate(document.tax_rules.by_state)
        if rule.state_id not in provinces
    ]
