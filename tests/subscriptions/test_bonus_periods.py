"""The bonus rules without a database: when a limited bonus ends, and its state at an instant."""

from datetime import UTC, datetime, timedelta

import pytest

from mascustomers.subscriptions.bonus_periods import BonusState, end_after, state_at

MADRID = "Europe/Madrid"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        # DIA ILIMITADO bought at 15:30 in winter (UTC+1): 15:30 the next day.
        ("2027-01-20T14:30:00", 1, "2027-01-21T14:30:00"),
        # Bought the day before clocks go forward (28 March 2027): 23 hours later in UTC.
        ("2027-03-27T09:00:00", 1, "2027-03-28T08:00:00"),
        # 30 days across the October change (31 October 2027): 30 days and an hour.
        ("2027-10-15T10:00:00", 30, "2027-11-14T11:00:00"),
        # From a scheduled_date: 00:00 in Madrid (22:00 UTC in summer) to 00:00 in winter.
        ("2027-10-14T22:00:00", 30, "2027-11-13T23:00:00"),
        # Bought at 23:50 Madrid time on 31 December: the date is Madrid's, not UTC's.
        ("2027-12-31T22:50:00", 1, "2028-01-01T22:50:00"),
        # 29 February in the period: calendar days, not months.
        ("2028-02-10T11:00:00", 30, "2028-03-11T11:00:00"),
        # A wall time the end day skips (02:30 on 28 March 2027) falls an hour later (03:30).
        ("2027-03-27T01:30:00", 1, "2027-03-28T01:30:00"),
    ],
)
def test_a_limited_bonus_ends_days_later_on_the_orgs_calendar(
    start: str, days: int, end: str
) -> None:
    assert end_after(utc(start), days, MADRID) == utc(end)


def test_a_bonus_without_duration_has_no_end() -> None:
    assert end_after(utc("2027-01-20T14:30:00"), None, MADRID) is None


def test_the_calendar_is_the_orgs() -> None:
    start = utc("2027-03-27T09:00:00")
    assert end_after(start, 1, "UTC") == start + timedelta(days=1)
    assert end_after(start, 1, "America/New_York") == start + timedelta(days=1)  # changes 14 Mar
    assert end_after(start, 1, MADRID) == start + timedelta(hours=23)


T = utc("2027-05-01T10:00:00")
S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("start", "end", "state"),
    [
        (T - S, None, BonusState.ACTIVE),
        (T, None, BonusState.ACTIVE),  # starts now
        (T + S, None, BonusState.SCHEDULED),
        (T - S, T + S, BonusState.ACTIVE),
        (T - S, T, BonusState.INACTIVE),  # ends now
        (T - 2 * S, T - S, BonusState.INACTIVE),
        (T + S, T + 2 * S, BonusState.SCHEDULED),
        # Zero length (removed as or before it started): inactive, whenever it was to be.
        (T, T, BonusState.INACTIVE),
        (T + S, T + S, BonusState.INACTIVE),
        (T - S, T - S, BonusState.INACTIVE),
        (T + 2 * S, T + S, BonusState.INACTIVE),
    ],
)
def test_each_row_is_in_exactly_one_state(
    start: datetime, end: datetime | None, state: BonusState
) -> None:
    assert state_at(start, end, T) is state
