"""One account's invoice for one cycle, computed from plain facts (no database here).

Lines, in this order, each rounded to cents once (``kit.money``) from an exact amount:

- ``PRODUCT``: per line and per tariff period (``subscription_product`` history), the
  product's monthly price × days active in the cycle / days in the cycle. A tariff change
  splits the line at the change date.
- ``BONUS``: the bonus's catalogue price (a monthly price) prorated the same way over the
  days the bonus and the line were both in effect.
- ``DISCOUNT``: an applied promotion, for the days within its dates only. ``percentage``
  takes that share of the product lines it covers (the line at subscription level, the
  bundle's lines at bundle level, every line at account level); ``amount`` is a monthly
  amount prorated by its days in the cycle (at subscription level: days the line was also
  active), never more than the product amount it covers over those days.
- ``INSTALLMENT``: one monthly fee of each financed terminal while installments remain, the
  last one ``last_installment_fee``; taxed at the terminal rate.
- ``PENALTY``: each confirmed, not yet invoiced penalty line.

Tax per line: net × rate / 100, rounded once; ``value`` is the sum of nets and
``value_total`` adds the taxes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cached_property

from mascustomers.billing.cycles import Cycle, Period
from mascustomers.kit.money import ZERO, prorate, to_cents_decimal

PERCENTAGE, AMOUNT = "percentage", "amount"
SUBSCRIPTION_LEVEL, BUNDLE_LEVEL, ACCOUNT_LEVEL = "subscription", "bundle", "account"


@dataclass(frozen=True)
class Priced:
    name: str
    price: Decimal


@dataclass(frozen=True)
class PromotionTerms:
    name: str
    benefit_type: str
    benefit_value: Decimal


@dataclass
class Prices:
    """The org's catalogue prices, loaded once per run."""

    products: dict[int, Priced] = field(default_factory=dict)
    bonuses: dict[int, Priced] = field(default_factory=dict)
    promotions: dict[int, PromotionTerms] = field(default_factory=dict)
    devices: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TaxRates:
    name: str
    rate: Decimal
    terminal_rate: Decimal


@dataclass(frozen=True)
class Dated:
    """A catalogue item (product or bonus) in effect over a period."""

    item_id: int
    period: Period


@dataclass
class LineFacts:
    subscription_id: int
    label: str
    account_bundle_id: int | None
    active: Period
    products: list[Dated] = field(default_factory=list)
    bonuses: list[Dated] = field(default_factory=list)


@dataclass(frozen=True)
class TerminalFacts:
    terminal_id: int
    subscription_id: int
    catalogue_id: int
    monthly_fee: Decimal
    last_installment_fee: Decimal
    installments: int
    billed: int


@dataclass(frozen=True)
class PromotionFacts:
    applied_id: int
    promotion_id: int
    level: str
    subscription_id: int | None
    account_bundle_id: int | None
    period: Period


@dataclass(frozen=True)
class PenaltyFacts:
    line_id: int
    description: str
    value: Decimal
    subscription_id: int | None


@dataclass
class AccountFacts:
    account_id: int
    tax: TaxRates
    lines: list[LineFacts] = field(default_factory=list)
    terminals: list[TerminalFacts] = field(default_factory=list)
    promotions: list[PromotionFacts] = field(default_factory=list)
    penalties: list[PenaltyFacts] = field(default_factory=list)


@dataclass(frozen=True)
class DraftLine:
    kind: str
    description: str
    subscription_id: int | None
    start_date: date | None
    end_date: date | None
    net_amount: Decimal
    tax_rate: Decimal

    @cached_property
    def tax_amount(self) -> Decimal:
        return to_cents_decimal(self.net_amount * self.tax_rate / 100)


@dataclass(frozen=True)
class DraftInvoice:
    account_id: int
    lines: list[DraftLine]
    # Terminals whose installment this invoice bills (their counters move on by one).
    terminal_ids: list[int]
    penalty_line_ids: list[int]

    @cached_property
    def value(self) -> Decimal:
        return sum((line.net_amount for line in self.lines), ZERO)

    @cached_property
    def value_total(self) -> Decimal:
        return self.value + sum((line.tax_amount for line in self.lines), ZERO)


def _cents(exact: Fraction) -> Decimal:
    """An exact amount rounded once, by the one rounding rule."""
    with localcontext() as context:
        context.prec = 60
        value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return to_cents_decimal(value)


def _last_day(period: Period) -> date | None:
    return period.end - timedelta(days=1) if period.end is not None else None


def _segments(line: LineFacts, cycle: Cycle) -> list[tuple[int, Period]]:
    """The line's tariff periods clipped to the cycle and to its active days."""
    segments = []
    for dated in line.products:
        clipped = dated.period.clipped(cycle, line.active)
        if clipped is not None:
            segments.append((dated.item_id, clipped))
    return sorted(segments, key=lambda item: item[1].start)


def product_lines(line: LineFacts, cycle: Cycle, prices: Prices, rate: Decimal) -> list[DraftLine]:
    drafts = []
    for product_id, period in _segments(line, cycle):
        product = prices.products.get(product_id)
        if product is None:
            continue
        days = period.days_within(cycle)
        drafts.append(
            DraftLine(
                kind="PRODUCT",
                description=f"{product.name} ({line.label})",
                subscription_id=line.subscription_id,
                start_date=period.start,
                end_date=_last_day(period),
                net_amount=prorate(product.price, days, cycle.days),
                tax_rate=rate,
            )
        )
    return drafts


def bonus_lines(line: LineFacts, cycle: Cycle, prices: Prices, rate: Decimal) -> list[DraftLine]:
    drafts = []
    for dated in line.bonuses:
        bonus = prices.bonuses.get(dated.item_id)
        period = dated.period.clipped(cycle, line.active)
        if bonus is None or period is None:
            continue
        drafts.append(
            DraftLine(
                kind="BONUS",
                description=f"Bono {bonus.name} ({line.label})",
                subscription_id=line.subscription_id,
                start_date=period.start,
                end_date=_last_day(period),
                net_amount=prorate(bonus.price, period.days_within(cycle), cycle.days),
                tax_rate=rate,
            )
        )
    return drafts


def _covered(promotion: PromotionFacts, lines: Sequence[LineFacts]) -> list[LineFacts]:
    if promotion.level == SUBSCRIPTION_LEVEL:
        return [line for line in lines if line.subscription_id == promotion.subscription_id]
    if promotion.level == BUNDLE_LEVEL:
        return [line for line in lines if line.account_bundle_id == promotion.account_bundle_id]
    return list(lines)


def _base_within(
    lines: Iterable[LineFacts], cycle: Cycle, prices: Prices, period: Period
) -> Fraction:
    """The exact product amount of ``lines`` over the days of ``period`` in the cycle."""
    total = Fraction(0)
    for line in lines:
        for product_id, segment in _segments(line, cycle):
            product = prices.products.get(product_id)
            if product is not None:
                days = segment.days_within(cycle, period)
                total += Fraction(product.price) * days / cycle.days
    return total


def discount_line(
    promotion: PromotionFacts,
    lines: Sequence[LineFacts],
    cycle: Cycle,
    prices: Prices,
    rate: Decimal,
) -> DraftLine | None:
    terms = prices.promotions.get(promotion.promotion_id)
    period = promotion.period.clipped(cycle)
    if terms is None or period is None:
        return None
    covered = _covered(promotion, lines)
    base = _base_within(covered, cycle, prices, period)
    if terms.benefit_type == PERCENTAGE:
        exact = base * Fraction(terms.benefit_value) / 100
    elif terms.benefit_type == AMOUNT:
        others = [line.active for line in covered] if promotion.level == SUBSCRIPTION_LEVEL else []
        days = period.days_within(cycle, *others)
        exact = min(Fraction(terms.benefit_value) * days / cycle.days, base)
    else:
        return None
    amount = _cents(exact)
    if amount == ZERO:
        return None
    return DraftLine(
        kind="DISCOUNT",
        description=f"Descuento {terms.name}",
        subscription_id=promotion.subscription_id,
        start_date=period.start,
        end_date=_last_day(period),
        net_amount=-amount,
        tax_rate=rate,
    )


def installment_line(terminal: TerminalFacts, prices: Prices, rate: Decimal) -> DraftLine:
    number = terminal.billed + 1
    fee = terminal.last_installment_fee if number == terminal.installments else terminal.monthly_fee
    device = prices.devices.get(terminal.catalogue_id, f"terminal {terminal.catalogue_id}")
    return DraftLine(
        kind="INSTALLMENT",
        description=f"Cuota {number}/{terminal.installments} {device}",
        subscription_id=terminal.subscription_id,
        start_date=None,
        end_date=None,
        net_amount=to_cents_decimal(fee),
        tax_rate=rate,
    )


def price_account(facts: AccountFacts, cycle: Cycle, prices: Prices) -> DraftInvoice:
    """Every line of the account's invoice for ``cycle``."""
    rate = facts.tax.rate
    lines: list[DraftLine] = []
    for line in sorted(facts.lines, key=lambda item: item.subscription_id):
        lines += product_lines(line, cycle, prices, rate)
        lines += bonus_lines(line, cycle, prices, rate)
    for promotion in sorted(facts.promotions, key=lambda item: item.applied_id):
        discount = discount_line(promotion, facts.lines, cycle, prices, rate)
        if discount is not None:
            lines.append(discount)
    billable = [t for t in facts.terminals if t.billed < t.installments]
    for terminal in sorted(billable, key=lambda item: item.terminal_id):
        lines.append(installment_line(terminal, prices, facts.tax.terminal_rate))
    for penalty in sorted(facts.penalties, key=lambda item: item.line_id):
        lines.append(
            DraftLine(
                kind="PENALTY",
                description=penalty.description,
                subscription_id=penalty.subscription_id,
                start_date=None,
                end_date=None,
                net_amount=to_cents_decimal(penalty.value),
                tax_rate=rate,
            )
        )
    return DraftInvoice(
        account_id=facts.account_id,
        lines=lines,
        terminal_ids=[t.terminal_id for t in sorted(billable, key=lambda item: item.terminal_id)],
        penalty_line_ids=[p.line_id for p in facts.penalties],
    )
