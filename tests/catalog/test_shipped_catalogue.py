"""The demo catalogue the package ships for org ``telco``."""

from decimal import Decimal

from mascustomers.catalog.file_format import (
    BenefitType,
    CatalogueDocument,
    PromotionLevel,
    TaxName,
    load_catalogue_file,
    load_shipped_catalogue,
    shipped_catalogue_path,
)
from mascustomers.catalog.statuses import MobileLineType, SubscriptionType
from mascustomers.risk.policy import RiskThresholds


def _catalogue() -> CatalogueDocument:
    return load_shipped_catalogue()


def test_shipped_catalogue_validates() -> None:
    assert shipped_catalogue_path().is_file()
    assert load_catalogue_file(shipped_catalogue_path()) == _catalogue()


def test_every_subscription_type_is_on_sale() -> None:
    types = {product.subscription_type for product in _catalogue().products}
    assert types == set(SubscriptionType)


def test_fibre_speeds_and_line_kinds() -> None:
    names = {product.name for product in _catalogue().products}
    assert {"FIBRA 300Mb", "FIBRA 600Mb", "FIBRA 1Gb", "FIBRA 600Mb INDIRECTA"} <= names
    line_types = {product.mobile_line_type for product in _catalogue().products}
    assert line_types == {None, *MobileLineType}


def test_reference_example_ids_exist() -> None:
    catalogue = _catalogue()
    bundle = catalogue.bundle(954)
    assert bundle is not None
    assert bundle.name == "FIBRA 600Mb INDIRECTA + TARIFA MÁS 10GB"
    assert 3036 in bundle.components.fixed
    assert 364 in bundle.components.main_mobile
    main = catalogue.product(364)
    assert main is not None
    assert main.name == "TARIFA MAS 10GB CONV"
    names = {bonus.name for bonus in catalogue.bonuses}
    assert "INTERNET 3GB TPILI" in names
    promotion = catalogue.promotion(601)
    assert promotion is not None
    assert promotion.code == "NTH_256"


def test_bonuses_promotions_and_devices() -> None:
    catalogue = _catalogue()
    assert len(catalogue.bonuses) >= 10
    assert len(catalogue.devices) >= 5
    assert {promotion.level for promotion in catalogue.promotions} == set(PromotionLevel)
    assert {promotion.benefit_type for promotion in catalogue.promotions} == set(BenefitType)
    committed = {p.level for p in catalogue.promotions if p.commitment_months is not None}
    assert committed == set(PromotionLevel)
    promotion = catalogue.promotion(601)
    assert promotion is not None
    assert promotion.binding_type == "12 MESES"
    assert promotion.penalty_amount == Decimal("150.00")


def test_prices_are_decimals_with_cents() -> None:
    catalogue = _catalogue()
    amounts = [product.monthly_price for product in catalogue.products]
    amounts += [bonus.price for bonus in catalogue.bonuses]
    amounts += [device.price for device in catalogue.devices]
    assert all(isinstance(amount, Decimal) for amount in amounts)
    assert all(amount.as_tuple().exponent == -2 for amount in amounts)


def test_tax_by_province() -> None:
    catalogue = _catalogue()
    expected = {
        28: (TaxName.IVA, Decimal(21)),
        7: (TaxName.IVA, Decimal(21)),
        35: (TaxName.IGIC, Decimal(7)),
        38: (TaxName.IGIC, Decimal(7)),
        51: (TaxName.IPSI, Decimal(10)),
        52: (TaxName.IPSI, Decimal(4)),
    }
    for state_id, (name, rate) in expected.items():
        rule = catalogue.tax_rule(state_id)
        assert (rule.tax_name, rule.rate) == (name, rate), state_id


def test_risk_policy_feeds_the_risk_thresholds() -> None:
    policy = _catalogue().risk_policy
    thresholds = RiskThresholds(**policy.model_dump())
    assert thresholds.scoring_reject_below < thresholds.scoring_review_below


def test_dealer_narrowing() -> None:
    catalogue = _catalogue()
    prepaid_shop = {product.id for product in catalogue.products_for_dealer("D00100")}
    assert prepaid_shop == {390, 391, 392, 380, 381}
    assert catalogue.bundles_for_dealer("D00100") == ()
    assert catalogue.products_for_dealer("C00002") == catalogue.products
