from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mascustomers.kit.money import InvalidMoney, parse_money, prorate, to_cents_decimal

amounts = st.decimals(min_value=0, max_value=Decimal("1000000"), places=2)
days = st.integers(min_value=1, max_value=3660)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),
        ("2.675", "2.68"),
        ("1.0049999", "1.00"),
        ("-0.005", "-0.01"),
        ("-2.675", "-2.68"),
        ("10", "10.00"),
        (Decimal("33.3333"), "33.33"),
        (7, "7.00"),
    ],
)
def test_to_cents_rounds_half_up(value: Decimal | int | str, expected: str) -> None:
    rounded = to_cents_decimal(value)
    assert rounded == Decimal(expected)
    assert rounded.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.50", Decimal("12.50")),
        (" 3 ", Decimal("3")),
        ("-4.1", Decimal("-4.1")),
        ("+.5", Decimal("0.5")),
        ("7.", Decimal("7")),
        (15, Decimal("15")),
        (Decimal("1.234"), Decimal("1.234")),
    ],
)
def test_parse_money_is_exact(value: Decimal | int | str, expected: Decimal) -> None:
    assert parse_money(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "abc", "1e3", "1_000", "1,50", "NaN", "Infinity", "-inf", ".", "1.2.3", "€5"],
)
def test_parse_money_refuses_non_decimal_strings(value: str) -> None:
    with pytest.raises(InvalidMoney, match="plain decimal number"):
        parse_money(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_parse_money_refuses_non_finite_decimals(value: Decimal) -> None:
    with pytest.raises(InvalidMoney, match="finite"):
        parse_money(value)


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), float("inf"), True, None])
def test_parse_money_refuses_floats_and_other_types(value: object) -> None:
    with pytest.raises(InvalidMoney, match="Decimal, int or decimal string"):
        parse_money(value)  # type: ignore[arg-type]


def test_invalid_money_is_a_value_error() -> None:
    assert issubclass(InvalidMoney, ValueError)


def test_to_cents_refuses_amounts_beyond_precision() -> None:
    with pytest.raises(InvalidMoney, match="too large"):
        to_cents_decimal("1" * 40)


@pytest.mark.parametrize(
    ("amount", "numerator", "denominator", "expected"),
    [
        ("100", 1, 3, "33.33"),
        ("100", 2, 3, "66.67"),
        ("150.00", 181, 365, "74.38"),
        ("0.01", 1, 2, "0.01"),
        ("0.01", 1, 3, "0.00"),
        ("30", 0, 30, "0.00"),
        ("30", 30, 30, "30.00"),
        ("12.34", 31, 31, "12.34"),
        ("-100", 1, 3, "-33.33"),
    ],
)
def test_prorate(amount: str, numerator: int, denominator: int, expected: str) -> None:
    assert prorate(amount, numerator, denominator) == Decimal(expected)


def test_prorate_rounds_once_at_the_end() -> None:
    # Exact halves must reach the half-up rule intact: 0.05 × 1/10 = 0.005, 1.01 × 1/2 = 0.505.
    assert prorate("0.05", 1, 10) == Decimal("0.01")
    assert prorate("1.01", 1, 2) == Decimal("0.51")
    # 10 × 2/3 computed as 10 × 0.67 (factor rounded first) would give 6.70.
    assert prorate("10", 2, 3) == Decimal("6.67")


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [(1, 0, "denominator must be positive"), (1, -5, "denominator"), (-1, 30, "numerator")],
)
def test_prorate_refuses_bad_days(numerator: int, denominator: int, message: str) -> None:
    with pytest.raises(InvalidMoney, match=message):
        prorate("10", numerator, denominator)


def test_prorate_refuses_float_amounts() -> None:
    with pytest.raises(InvalidMoney):
        prorate(10.5, 1, 2)  # type: ignore[arg-type]


@given(amount=amounts, denominator=days, data=st.data())
def test_prorate_never_exceeds_amount(
    amount: Decimal, denominator: int, data: st.DataObject
) -> None:
    numerator = data.draw(st.integers(min_value=0, max_value=denominator))
    share = prorate(amount, numerator, denominator)
    assert Decimal(0) <= share <= amount


@given(amount=amounts, denominator=days, data=st.data())
def test_prorate_splits_add_up_within_a_cent(
    amount: Decimal, denominator: int, data: st.DataObject
) -> None:
    numerator = data.draw(st.integers(min_value=0, max_value=denominator))
    total = prorate(amount, numerator, denominator) + prorate(
        amount, denominator - numerator, denominator
    )
    assert abs(total - amount) <= Decimal("0.01")


@given(amount=amounts, denominator=days)
def test_prorate_whole_period_is_the_amount(amount: Decimal, denominator: int) -> None:
    assert prorate(amount, denominator, denominator) == amount


@given(
    value=st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**9), max_value=10**9
    )
)
def test_to_cents_is_within_half_a_cent(value: Decimal) -> None:
    assert abs(to_cents_decimal(value) - value) <= Decimal("0.005")


@given(cents=st.integers(min_value=-(10**12), max_value=10**12))
def test_to_cents_half_cases_round_away_from_zero(cents: int) -> None:
    half = (Decimal(cents) + Decimal("0.5")) / 100
    rounded = to_cents_decimal(half)
    expected = Decimal(cents + 1) / 100 if half > 0 else Decimal(cents) / 100
    assert rounded == expected
