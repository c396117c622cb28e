"""Penalty computation without a database: hand-computed amounts, ended terms, types."""

from datetime import date
from decimal import Decimal

import pytest

from mascustomers.penalties.computation import (
    DEFAULT_ADMIN_CANCEL_COST,
    CommitmentTerms,
    PenaltyType,
    admin_cancel_cost,
    admin_cancel_penalty,
    early_termination_value,
    permanence_penalties,
    permanence_penalty,
    remaining_days,
    total_days,
)


def terms(
    start: date,
    end: date,
    amount: str = "150.00",
    associated_type: str = "promotion",
    **extra: object,
) -> CommitmentTerms:
    return CommitmentTerms(
        commitment_uuid=str(extra.pop("uuid", "c-1")),
        associated_type=associated_type,
        months=12,
        start_date=start,
        end_date=end,
        penalty_amount=Decimal(amount),
        **extra,  # type: ignore[arg-type]
    )


YEAR = (date(2026, 1, 10), date(2027, 1, 10))  # 365 days


@pytest.mark.parametrize(
    ("on", "remaining", "value"),
    [
        # First day: all 365 days owed → the whole amount.
        (date(2026, 1, 10), 365, Decimal("150.00")),
        # Middle: 1 Jul → 10 Jan is 184 + 9 = 193 days; 150 × 193 / 365 = 79.3150… → 79.32.
        (date(2026, 7, 1), 193, Decimal("79.32")),
        # Last day bound: 1 day left; 150 / 365 = 0.4109… → 0.41.
        (date(2027, 1, 9), 1, Decimal("0.41")),
        # Not started yet: owed in full.
        (date(2025, 12, 1), 365, Decimal("150.00")),
    ],
)
def test_pro_rata_of_the_days_left(on: date, remaining: int, value: Decimal) -> None:
    start, end = YEAR
    assert total_days(start, end) == 365
    assert remaining_days(start, end, on) == remaining
    assert early_termination_value(Decimal("150.00"), start, end, on) == value
    line = permanence_penalty(terms(start, end), on)
    assert line is not None
    assert line.value == value
    assert f"{remaining} DE 365 DIAS" in line.description


@pytest.mark.parametrize(
    ("on", "remaining", "value"),
    [
        # 1 Feb 2024 → 1 Feb 2025 holds 29 Feb: 366 days. 1 Mar 2024 → 1 Feb 2025 = 337 days;
        # 150 × 337 / 366 = 138.1147… → 138.11.
        (date(2024, 3, 1), 337, Decimal("138.11")),
        # On 29 Feb itself 338 days are left: 150 × 338 / 366 = 138.5245… → 138.52.
        (date(2024, 2, 29), 338, Decimal("138.52")),
    ],
)
def test_leap_year_in_the_period(on: date, remaining: int, value: Decimal) -> None:
    start, end = date(2024, 2, 1), date(2025, 2, 1)
    assert total_days(start, end) == 366
    assert remaining_days(start, end, on) == remaining
    line = permanence_penalty(terms(start, end), on)
    assert line is not None
    assert line.value == value


def test_two_year_terminal_term_across_29_february() -> None:
    # 1 Mar 2027 → 1 Mar 2029: 731 days (29 Feb 2028). On 1 Mar 2028, 365 are left:
    # 150 × 365 / 731 = 74.8974… → 74.90.
    line = permanence_penalty(
        terms(date(2027, 3, 1), date(2029, 3, 1), associated_type="terminal"), date(2028, 3, 1)
    )
    assert line is not None
    assert line.value == Decimal("74.90")


def test_rounds_once_half_up() -> None:
    # 0.05 × 1 / 2 = 0.025 exactly: half-up gives 0.03 (half-even would give 0.02).
    start, end = date(2026, 1, 1), date(2026, 1, 3)
    assert early_termination_value(Decimal("0.05"), start, end, date(2026, 1, 2)) == Decimal("0.03")
    # 100 × 2 / 3 = 66.666… → 66.67: one rounding of the exact share, not of a rate.
    start, end = date(2026, 1, 1), date(2026, 1, 4)
    assert early_termination_value(Decimal("100"), start, end, date(2026, 1, 2)) == Decimal("66.67")


@pytest.mark.parametrize("on", [date(2027, 1, 10), date(2027, 1, 11), date(2030, 1, 1)])
def test_ended_commitment_gives_no_line(on: date) -> None:
    assert permanence_penalty(terms(*YEAR), on) is None
    assert early_termination_value(Decimal("150"), *YEAR, on) == Decimal("0.00")


def test_empty_term_gives_no_line() -> None:
    day = date(2026, 1, 10)
    assert permanence_penalty(terms(day, day), date(2026, 1, 1)) is None


def test_one_line_per_open_commitment_in_order() -> None:
    on = date(2026, 7, 1)
    commitments = [
        terms(*YEAR, uuid="promo", promotion_id=50, applied_promotion_id=7, subscription_id=3),
        terms(date(2025, 1, 1), date(2026, 1, 1), uuid="ended"),
        terms(
            date(2026, 1, 10),
            date(2028, 1, 10),
            associated_type="terminal",
            uuid="device",
            subscription_terminal_id=9,
            subscription_id=3,
            subscription_uuid="u-3",
        ),
    ]
    lines = permanence_penalties(commitments, on)
    assert [line.commitment_uuid for line in lines] == ["promo", "device"]
    promo, device = lines
    assert promo.type is PenaltyType.PROMOTIONPERMANENCE
    assert promo.mandatory is False
    assert (promo.promotion_id, promo.applied_promotion_id) == (50, 7)
    assert device.type is PenaltyType.TERMINALPERMANENCE
    assert device.mandatory is True
    assert device.subscription_terminal_id == 9
    assert device.subscription_uuid == "u-3"
    # 10 Jan 2026 → 10 Jan 2028 = 730 days; 1 Jul 2026 leaves 193 + 365 = 558:
    # 150 × 558 / 730 = 114.6575… → 114.66.
    assert device.value == Decimal("114.66")
    assert (device.start_date, device.end_date) == (date(2026, 1, 10), date(2028, 1, 10))


def test_admin_cancel_cost_from_the_catalogue_or_default() -> None:
    assert admin_cancel_cost(None) == DEFAULT_ADMIN_CANCEL_COST == Decimal("30.00")
    assert admin_cancel_cost({"risk_policy": {}}) == Decimal("30.00")
    assert admin_cancel_cost({"admin_cancel_cost": "12.5"}) == Decimal("12.50")
    assert admin_cancel_cost({"admin_cancel_cost": 0}) == Decimal("0.00")
    assert admin_cancel_cost({"admin_cancel_cost": "-3"}) == Decimal("0.00")
    assert admin_cancel_cost({"admin_cancel_cost": "abc"}) == Decimal("30.00")


def test_admin_cancel_penalty() -> None:
    line = admin_cancel_penalty(Decimal("30.00"), order_reference="OT0000000001")
    assert line is not None
    assert line.type is PenaltyType.ADMCOSTCANCELCOST
    assert line.mandatory is True
    assert line.value == Decimal("30.00")
    assert "OT0000000001" in line.description
    assert line.subscription_id is None
    assert line.commitment_uuid is None
    assert admin_cancel_penalty(Decimal("0.00"), order_reference="OT1") is None
