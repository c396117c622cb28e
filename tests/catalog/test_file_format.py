"""The catalogue document format: what it accepts, and that it reports every fault at once."""

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from mascustomers.catalog.errors import CatalogueInvalid
from mascustomers.catalog.file_checks import InvalidCatalogueDocument
from mascustomers.catalog.file_format import (
    CatalogueDocument,
    TaxName,
    load_catalogue_file,
    parse_catalogue,
)


def minimal_document() -> dict[str, Any]:
    """A small valid document each test breaks in its own way."""
    return {
        "version": "test",
        "services": [{"id": 1, "name": "VOZ", "changeable": False}],
        "products": [
            _product(10, 4, "30.00", bundle_only=True),
            _product(11, 3, "0.00", bundle_only=True),
            _product(20, 2, "10.00", bundle_only=True, mobile_line_type="main"),
            _product(30, 2, "8.00", compatible_products=[31], included_services=[1]),
            _product(31, 2, "12.00", compatible_products=[30]),
        ],
        "bundles": [
            {"id": 100, "name": "FIBRA + MOVIL", "components": {"fixed": [10, 11]}},
            {
                "id": 101,
                "name": "FIBRA + MOVIL 2",
                "components": {"fixed": [10], "main_mobile": [20]},
                "allowed_migrations": [100],
            },
        ],
        "bonuses": [
            {"id": 200, "name": "BONO", "price": "3.00", "compatible_products": [30]},
        ],
        "promotions": [
            {
                "id": 300,
                "code": "P1",
                "name": "MM_50% DTO",
                "level": "subscription",
                "benefit_type": "percentage",
                "benefit_value": "50",
                "duration_months": 12,
                "commitment_months": 12,
                "penalty_amount": "150.00",
                "compatible_products": [30],
            }
        ],
        "devices": [
            {
                "catalogue_id": 400,
                "model_id": 1,
                "name": "Phone",
                "model": "128GB",
                "category": "SMARTPHONE",
                "terminal_code": "PV1",
                "price": "199.00",
            }
        ],
        "tax_rules": {"default": {"tax_name": "IVA", "rate": "21", "terminal_rate": "21"}},
        "risk_policy": {
            "scoring_review_below": 400,
            "scoring_reject_below": 200,
            "max_financed_without_scoring": "0.00",
            "sim_replacements_30d_review": 2,
            "overdue_invoices_reject": 1,
        },
    }


def _product(product_id: int, kind: int, price: str, **extra: Any) -> dict[str, Any]:
    billing = [2] if kind == 1 else [1]
    return {
        "id": product_id,
        "name": f"PRODUCT {product_id}",
        "subscription_type": kind,
        "billing_types": billing,
        "monthly_price": price,
        **extra,
    }


def _problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidCatalogueDocument) as raised:
        parse_catalogue(document, source="test.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_minimal_document_is_valid() -> None:
    document = parse_catalogue(minimal_document())
    product = document.product(30)
    assert product is not None
    assert product.monthly_price == Decimal("8.00")
    assert document.product(999) is None


def test_every_broken_reference_is_reported() -> None:
    document = minimal_document()
    document["bundles"][1]["components"]["main_mobile"] = [20, 999]
    document["bundles"][1]["allowed_migrations"] = [100, 101, 998]
    document["bonuses"][0]["compatible_products"] = [30, 997]
    document["products"][3]["compatible_products"] = [31, 996]
    document["products"][3]["included_services"] = [1, 995]
    document["promotions"][0]["compatible_products"] = [994]
    document["tax_rules"]["by_state"] = [
        {"state_id": 60, "tax_name": "IGIC", "rate": "7", "terminal_rate": "7"}
    ]
    document["dealers"] = [{"dealer_id": "D1", "products": [30, 993], "bundles": [992]}]

    problems = _problems(document)

    assert problems == [
        "products[id=30].included_services: unknown service 995",
        "products[id=30].compatible_products: unknown product 996",
        "bundles[id=101].components.main_mobile: unknown product 999",
        "bundles[id=101].allowed_migrations: a bundle cannot migrate to itself",
        "bundles[id=101].allowed_migrations: unknown bundle 998",
        "bonuses[id=200].compatible_products: unknown product 997",
        "promotions[id=300].compatible_products: unknown product 994",
        "dealers[D1].products: unknown product 993",
        "dealers[D1].bundles: unknown bundle 992",
        "tax_rules.by_state[0]: 60 is not a province id",
    ]


def test_the_error_is_a_catalogue_invalid_listing_all_problems() -> None:
    document = minimal_document()
    document["bonuses"][0]["compatible_products"] = [990, 991]
    with pytest.raises(CatalogueInvalid) as raised:
        parse_catalogue(document, source="telco.yaml")
    error = raised.value
    assert error.detail.startswith("telco.yaml: 2 problems: ")
    assert "unknown product 990" in error.detail
    assert "unknown product 991" in error.detail
    assert error.context["problems"] == [
        {"location": "bonuses[id=200].compatible_products", "message": "unknown product 990"},
        {"location": "bonuses[id=200].compatible_products", "message": "unknown product 991"},
    ]


def test_model_validate_alone_raises_one_validation_error_with_every_problem() -> None:
    document = minimal_document()
    document["bonuses"][0]["compatible_products"] = [990, 991]
    with pytest.raises(ValidationError) as raised:
        CatalogueDocument.model_validate(document)
    assert raised.value.error_count() == 1
    assert "unknown product 990" in str(raised.value)
    assert "unknown product 991" in str(raised.value)


def test_duplicate_ids_are_reported_with_both_places() -> None:
    document = minimal_document()
    document["products"].append(_product(30, 2, "9.00"))
    document["promotions"].append({**document["promotions"][0], "id": 301})
    document["devices"].append({**document["devices"][0]})

    problems = _problems(document)

    assert "products[5]: duplicate id 30 (first at products[3])" in problems
    assert "promotions[1]: duplicate code P1 (first at promotions[0])" in problems
    assert "devices[1]: duplicate catalogue_id 400 (first at devices[0])" in problems
    assert "devices[1]: duplicate terminal_code PV1 (first at devices[0])" in problems


def test_every_malformed_entry_is_reported_with_its_location() -> None:
    document = minimal_document()
    document["products"][0]["monthly_price"] = "treinta"
    document["products"][1]["monthly_price"] = "1.999"
    del document["products"][2]["name"]
    document["bonuses"][0]["colour"] = "red"
    document["devices"][0]["price"] = 199.0

    problems = _problems(document)

    locations = [problem.split(":")[0] for problem in problems]
    assert locations == [
        "products[0].monthly_price",
        "products[1].monthly_price",
        "products[2].name",
        "bonuses[0].colour",
        "devices[0].price",
    ]


def test_bundle_slots_hold_the_right_kind_of_product() -> None:
    document = minimal_document()
    document["bundles"][1]["components"] = {
        "fixed": [11],
        "main_mobile": [30],
        "tv": [20],
        "additional_mobile": [20],
    }

    problems = _problems(document)

    assert problems == [
        "bundles[id=101].components.main_mobile: product 30 is not a tariff for main lines",
        "bundles[id=101].components.additional_mobile: product 20 is not a tariff for "
        "additional lines",
        "bundles[id=101].components.tv: product 20 is POST-PAGO, expected TV",
        "bundles[id=101].components: additional/extra mobile products and a positive "
        "max_additional_lines go together",
        "bundles[id=101].components.fixed: needs an access: an FTTH or ADSL product",
    ]


def test_compatible_products_are_of_the_same_kind() -> None:
    document = minimal_document()
    document["products"][3]["compatible_products"] = [30, 20, 10]

    problems = _problems(document)

    assert problems == [
        "products[id=30].compatible_products: a product cannot list itself as compatible",
        "products[id=30].compatible_products: product 20 is for another mobile line type",
        "products[id=30].compatible_products: product 10 is of another subscription type",
    ]


def test_product_rules() -> None:
    document = minimal_document()
    document["products"].append(_product(40, 1, "5.00", billing_types=[1, 2]))
    document["products"].append(_product(41, 4, "5.00", mobile_line_type="main"))
    document["products"].append(_product(42, 6, "5.00", bundle_only=True))

    problems = _problems(document)

    assert problems == [
        "products[id=40].billing_types: a PRE-PAGO tariff is PREPAGO",
        "products[id=41].mobile_line_type: a FTTH product has no line type",
        "products[id=42]: bundle_only but in no bundle",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"benefit_value": "120"}, "a percentage benefit cannot exceed 100"),
        ({"penalty_amount": None}, "commitment_months and penalty_amount go together"),
        ({"compatible_bundles": [100]}, "a subscription promotion lists compatible_products"),
        (
            {"level": "account", "compatible_products": [30]},
            "an account promotion applies to the whole account",
        ),
        (
            {"level": "bundle", "compatible_products": [30]},
            "a bundle promotion lists compatible_bundles",
        ),
    ],
)
def test_promotion_rules(change: dict[str, Any], message: str) -> None:
    document = minimal_document()
    document["promotions"][0].update(change)
    problems = _problems(document)
    assert len(problems) == 1
    assert problems[0].startswith("promotions[0]: ")
    assert message in problems[0]


def test_risk_policy_thresholds_are_ordered() -> None:
    document = minimal_document()
    document["risk_policy"]["scoring_reject_below"] = 500
    problems = _problems(document)
    assert problems == [
        "risk_policy: Value error, scoring_reject_below cannot be above scoring_review_below"
    ]


def test_ids_must_be_integers_not_strings_or_booleans() -> None:
    document = minimal_document()
    document["promotions"][0]["compatible_products"] = ["30", True]
    problems = _problems(document)
    assert [problem.split(":")[0] for problem in problems] == [
        "promotions[0].compatible_products[0]",
        "promotions[0].compatible_products[1]",
    ]


def test_money_keeps_two_decimals() -> None:
    document = minimal_document()
    document["products"][3]["monthly_price"] = 8
    document["bonuses"][0]["price"] = "3.5"
    parsed = parse_catalogue(document)
    product, bonus = parsed.product(30), parsed.bonus(200)
    assert product is not None
    assert bonus is not None
    assert str(product.monthly_price) == "8.00"
    assert str(bonus.price) == "3.50"


def test_not_a_mapping() -> None:
    assert _problems([1, 2]) == ["a catalogue is a mapping, not list"]  # type: ignore[arg-type]


def test_tax_rule_falls_back_to_the_default() -> None:
    document = minimal_document()
    document["tax_rules"]["by_state"] = [
        {"state_id": 35, "tax_name": "IGIC", "rate": "7", "terminal_rate": "7"}
    ]
    parsed = parse_catalogue(document)
    assert parsed.tax_rule(35).tax_name is TaxName.IGIC
    assert parsed.tax_rule(28).tax_name is TaxName.IVA


def test_dealer_narrowing() -> None:
    document = minimal_document()
    document["dealers"] = [{"dealer_id": "D1", "products": [30, 31], "bundles": [101]}]
    parsed = parse_catalogue(document)
    assert [product.id for product in parsed.products_for_dealer("D1")] == [30, 31]
    assert [bundle.id for bundle in parsed.bundles_for_dealer("D1")] == [101]
    assert len(parsed.products_for_dealer("OTHER")) == len(parsed.products)
    assert len(parsed.bundles_for_dealer(None)) == len(parsed.bundles)


def test_json_dump_loads_back_to_the_same_document() -> None:
    parsed = parse_catalogue(minimal_document())
    again = parse_catalogue(json.loads(json.dumps(parsed.model_dump(mode="json"))))
    assert again == parsed


def test_load_file_reads_json_and_reports_yaml_syntax(tmp_path: Path) -> None:
    good = tmp_path / "org.json"
    good.write_text(json.dumps(minimal_document()), encoding="utf-8")
    assert load_catalogue_file(good).version == "test"

    broken = tmp_path / "broken.yaml"
    broken.write_text("version: test\nproducts: [1, 2\n", encoding="utf-8")
    with pytest.raises(InvalidCatalogueDocument) as raised:
        load_catalogue_file(broken)
    assert raised.value.detail.startswith("broken.yaml: 1 problem: line ")

    with pytest.raises(InvalidCatalogueDocument, match="cannot read the file"):
        load_catalogue_file(tmp_path / "missing.yaml")


def test_the_document_is_not_changed_by_parsing() -> None:
    document = minimal_document()
    before = copy.deepcopy(document)
    parse_catalogue(document)
    assert document == before
