"""Money as ``Decimal``: parsing, the one rounding rule, and proration."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import TypeAlias

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Plain decimal notation only: Decimal() would also take "1e3", "1_000" and "Infinity".
_MONEY_PATTERN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

# Enough digits that dividing before the single final rounding never loses a cent.
_WORKING_PRECISION = 60

MoneyInput: TypeAlias = Decimal | int | str


class InvalidMoney(ValueError):
    """A value that cannot be used as an amount of money."""


def parse_money(value: MoneyInput) -> Decimal:
    """An exact ``Decimal`` from a Decimal, int or decimal string; floats are refused."""
    # bool is an int subclass and float cannot hold most cent values exactly.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidMoney(
            f"money must be a Decimal, int or decimal string, not {type(value).__name__}"
        )
    if isinstance(value, str):
        text = value.strip()
        if not _MONEY_PATTERN.fullmatch(text):
            raise InvalidMoney(f"money must be a plain decimal number, got {value!r}")
        return Decimal(text)
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidMoney(f"money must be a finite number, got {value}")
    return amount


def to_cents_decimal(value: MoneyInput) -> Decimal:
    """An amount rounded to cents, half away from zero: the one rounding place."""
    amount = parse_money(value)
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise InvalidMoney(f"money amount {value} is too large to round to cents") from error


def prorate(amount: MoneyInput, numerator_days: int, denominator_days: int) -> Decimal:
    """``amount × numerator_days / denominator_days``, computed exactly and rounded once."""
    if isinstance(numerator_days, bool) or isinstance(denominator_days, bool):
        raise InvalidMoney("prorate days must be integers, not booleans")
    if denominator_days <= 0:
        raise InvalidMoney(f"prorate denominator must be positive, got {denominator_days}")
    if numerator_days < 0:
        raise InvalidMoney(f"prorate numerator must not be negative, got {numerator_days}")
    exact = parse_money(amount)
    with localcontext() as context:
        context.prec = _WORKING_PRECISION
        share = exact * numerator_days / denominator_days
    return to_cents_decimal(share)
