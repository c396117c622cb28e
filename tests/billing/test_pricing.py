"""Pricing from plain facts (no database): rounding once per line, discounts within dates."""

from datetime import date
from decimal import Decimal

from mascustomers.billing.cycles import Cycle, Period
from mascustomers.billing.pricing import (
    AccountFacts,
    Dated,
    LineFacts,
    Priced,
    Prices,
    PromotionFacts,
    PromotionTerms,
    TaxRates,
    price_account,
)

D = Decimal
NOVEMBER = Cycle(2026, 11)
PRICES = Prices(
    products={1: Priced("TARIFA 9,99", D("9.99")), 2: Priced("FIBRA", D("30.00"))},
    promotions={
        10: PromotionTerms("5 € DTO", "amount", D("5.00")),
        11: PromotionTerms("100 % DTO", "percentage", D("100")),
    },
)
IVA = TaxRates("IVA", D("21"), D("21"))


def line(
    subscription_id: int, product_id: int, start: date, bundle: int | None = None
) -> LineFacts:
    return LineFacts(
        subscription_id=subscription_id,
        label=f"line {subscription_id}",
        account_bundle_id=bundle,
        active=Period(start),
        products=[Dated(product_id, Period(date(2026, 1, 1)))],
    )


def test_each_line_is_rounded_once() -> None:
    # 9.99 × 7/30 = 2.331 → 2.33; tax 0.4893 → 0.49
    facts = AccountFacts(account_id=1, tax=IVA, lines=[line(1, 1, date(2026, 11, 24))])
    [product] = price_account(facts, NOVEMBER, PRICES).lines
    assert (product.net_amount, product.tax_amount) == (D("2.33"), D("0.49"))


def test_an_amount_discount_never_exceeds_what_it_covers() -> None:
    # the line is active 3 days: 9.99 × 3/30 = 0.999; a 5.00 monthly discount over those 3
    # days would be 0.50, under the cap
    short = line(1, 1, date(2026, 11, 28))
    promotion = PromotionFacts(1, 10, "subscription", 1, None, Period(date(2026, 11, 1)))
    facts = AccountFacts(account_id=1, tax=IVA, lines=[short], promotions=[promotion])
    lines = price_account(facts, NOVEMBER, PRICES).lines
    assert [(item.kind, item.net_amount) for item in lines] == [
        ("PRODUCT", D("1.00")),
        ("DISCOUNT", D("-0.50")),
    ]
    # a 5.00 discount on a 0.00 line gives nothing
    free = Prices(products={1: Priced("GRATIS", D("0.00"))}, promotions=PRICES.promotions)
    lines = price_account(facts, NOVEMBER, free).lines
    assert [item.kind for item in lines] == ["PRODUCT"]


def test_a_bundle_discount_covers_the_bundle_lines_only() -> None:
    in_bundle = line(1, 2, date(2026, 1, 1), bundle=7)
    outside = line(2, 1, date(2026, 1, 1))
    promotion = PromotionFacts(
        1, 11, "bundle", None, 7, Period(date(2026, 11, 16), date(2026, 12, 16))
    )
    facts = AccountFacts(account_id=1, tax=IVA, lines=[in_bundle, outside], promotions=[promotion])
    invoice = price_account(facts, NOVEMBER, PRICES)
    # 100 % of the fibre's 30.00 for the 15 days from the 16th: 15.00
    assert [(item.kind, item.net_amount) for item in invoice.lines] == [
        ("PRODUCT", D("30.00")),
        ("PRODUCT", D("9.99")),
        ("DISCOUNT", D("-15.00")),
    ]
    assert (invoice.value, invoice.value_total) == (D("24.99"), D("30.24"))
