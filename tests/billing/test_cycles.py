"""Cycles and periods: calendar months in the org's zone, half-open day ranges."""

from datetime import UTC, date, datetime

import pytest

from mascustomers.billing.cycles import Cycle, InvalidCycle, Period, closed_cycles_between
from tests.billing.world import madrid


def test_cycle_bounds() -> None:
    february = Cycle.parse("2028-02")
    assert (february.start, february.last_day, february.days) == (
        date(2028, 2, 1),
        date(2028, 2, 29),
        29,
    )
    assert str(Cycle(2026, 12).next()) == "2027-01"
    assert str(Cycle(2027, 1).previous()) == "2026-12"
    # Madrid midnight of 1 December is 23:00 UTC the day before (winter time)
    assert Cycle(2026, 11).closes_at("Europe/Madrid") == datetime(2026, 11, 30, 23, tzinfo=UTC)
    # ...and 22:00 UTC in summer time
    assert Cycle(2026, 6).closes_at("Europe/Madrid") == datetime(2026, 6, 30, 22, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "2026/11", "0000-01", ""])
def test_invalid_cycles(text: str) -> None:
    with pytest.raises(InvalidCycle):
        Cycle.parse(text)


def test_days_within_a_cycle() -> None:
    november = Cycle(2026, 11)
    # activated at 00:30 Madrid on the 10th: billed from the 10th
    active = Period.between(madrid(2026, 11, 10, 0, 30), None, "Europe/Madrid")
    assert active.start == date(2026, 11, 10)
    assert active.days_within(november) == 21
    # ended at 10:00 on the 20th: the 20th is not billed
    ended = Period.between(madrid(2026, 9, 1), madrid(2026, 11, 20, 10), "Europe/Madrid")
    assert ended.days_within(november) == 19
    assert ended.days_within(november, active) == 10
    assert Period(date(2026, 12, 5)).days_within(november) == 0
    assert Period(date(2026, 1, 1), date(2026, 2, 1)).clipped(november) is None


def test_cycles_closing_in_an_interval() -> None:
    closed = closed_cycles_between(madrid(2026, 11, 23), madrid(2027, 2, 1), "Europe/Madrid")
    assert [str(c) for c in closed] == ["2026-11", "2026-12", "2027-01"]
    # a close exactly at the start is not in the interval, one exactly at the end is
    assert closed_cycles_between(madrid(2026, 12, 1), madrid(2027, 1, 1), "Europe/Madrid") == [
        Cycle(2026, 12)
    ]
    assert closed_cycles_between(madrid(2026, 12, 2), madrid(2026, 12, 31), "Europe/Madrid") == []
