from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mascustomers.kit import clock
from mascustomers.kit.clock import FrozenClock, SystemClock

INSTANT = datetime(2024, 3, 15, 12, 30, 45, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clean_clock_state() -> Iterator[None]:
    # Clock state is process-wide; leave it as each test found it.
    previous = clock.default_clock()
    yield
    clock.set_default_clock(previous)
    for org_id in clock.org_time_overrides():
        clock.clear_org_time(org_id)


def test_system_clock_is_aware_utc() -> None:
    before = datetime.now(UTC)
    current = SystemClock().now()
    assert current.tzinfo is UTC
    assert before <= current <= datetime.now(UTC)


def test_frozen_clock_stays_until_moved() -> None:
    frozen = FrozenClock(INSTANT)
    assert frozen.now() == INSTANT
    assert frozen.now() == INSTANT
    assert frozen.advance(timedelta(days=1)) == INSTANT + timedelta(days=1)
    frozen.set(datetime(2030, 1, 1, tzinfo=UTC))
    assert frozen.now() == datetime(2030, 1, 1, tzinfo=UTC)


def test_frozen_clock_converts_other_zones_to_utc() -> None:
    madrid_noon = datetime(2024, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert FrozenClock(madrid_noon).now() == datetime(2024, 7, 1, 10, 0, tzinfo=UTC)
    assert FrozenClock(madrid_noon).now().utcoffset() == timedelta(0)


def test_frozen_clock_refuses_naive_instants() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 23:30 UTC in winter is 00:30 the next day in Madrid (UTC+1).
        (datetime(2024, 1, 31, 23, 30, tzinfo=UTC), date(2024, 2, 1)),
        # 21:59 UTC in summer is 23:59 in Madrid (UTC+2): still the same day.
        (datetime(2024, 7, 1, 21, 59, tzinfo=UTC), date(2024, 7, 1)),
        (datetime(2024, 7, 1, 22, 0, tzinfo=UTC), date(2024, 7, 2)),
        # The night the clocks go forward (31 March 2024, 02:00 → 03:00).
        (datetime(2024, 3, 30, 23, 0, tzinfo=UTC), date(2024, 3, 31)),
        (datetime(2024, 3, 31, 21, 59, tzinfo=UTC), date(2024, 3, 31)),
        # The night the clocks go back (27 October 2024, 03:00 → 02:00).
        (datetime(2024, 10, 26, 22, 0, tzinfo=UTC), date(2024, 10, 27)),
        (datetime(2024, 10, 27, 22, 59, tzinfo=UTC), date(2024, 10, 27)),
        (datetime(2024, 10, 27, 23, 0, tzinfo=UTC), date(2024, 10, 28)),
    ],
)
def test_today_is_taken_in_madrid(instant: datetime, expected: date) -> None:
    assert FrozenClock(instant).today() == expected


def test_today_in_another_zone() -> None:
    frozen = FrozenClock(datetime(2024, 1, 1, 0, 30, tzinfo=UTC))
    assert frozen.today("Europe/Madrid") == date(2024, 1, 1)
    assert frozen.today("Atlantic/Canary") == date(2024, 1, 1)
    assert frozen.today("America/New_York") == date(2023, 12, 31)


def test_clock_for_uses_default_without_override() -> None:
    assert isinstance(clock.clock_for("telco"), SystemClock)
    assert isinstance(clock.clock_for(None), SystemClock)


def test_org_time_override_applies_to_that_org_only() -> None:
    clock.set_org_time("sandbox", INSTANT)
    assert clock.now("sandbox") == INSTANT
    assert clock.today("sandbox") == date(2024, 3, 15)
    assert clock.now("telco") != INSTANT
    assert clock.org_time_overrides() == {"sandbox": INSTANT}

    clock.clear_org_time("sandbox")
    assert clock.now("sandbox") != INSTANT
    assert clock.org_time_overrides() == {}


def test_clear_org_time_without_override_is_harmless() -> None:
    clock.clear_org_time("never-set")
    assert clock.org_time_overrides() == {}


def test_set_org_time_refuses_naive_instants() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set_org_time("sandbox", datetime(2024, 1, 1))


def test_use_clock_swaps_and_restores_the_default() -> None:
    original = clock.default_clock()
    with clock.use_clock(FrozenClock(INSTANT)):
        assert clock.now() == INSTANT
        assert clock.now("telco") == INSTANT
    assert clock.default_clock() is original


def test_org_override_wins_over_default_clock() -> None:
    clock.set_org_time("sandbox", INSTANT)
    with clock.use_clock(FrozenClock(INSTANT + timedelta(days=10))):
        assert clock.now("sandbox") == INSTANT
        assert clock.now("telco") == INSTANT + timedelta(days=10)


def test_set_default_clock_returns_previous() -> None:
    first = FrozenClock(INSTANT)
    original = clock.set_default_clock(first)
    assert clock.set_default_clock(original) is first


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (INSTANT, "2024-03-15T12:30:45Z"),
        (INSTANT.replace(microsecond=999_999), "2024-03-15T12:30:45Z"),
        (
            datetime(2024, 3, 15, 14, 30, 45, tzinfo=timezone(timedelta(hours=2))),
            "2024-03-15T12:30:45Z",
        ),
        # Naive values come back from SQLite and are UTC by convention.
        (datetime(2024, 3, 15, 12, 30, 45), "2024-03-15T12:30:45Z"),
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),
    ],
)
def test_format_timestamp(instant: datetime, expected: str) -> None:
    assert clock.format_timestamp(instant) == expected


def test_format_date() -> None:
    assert clock.format_date(date(2024, 2, 9)) == "2024-02-09"


def test_format_date_refuses_datetimes() -> None:
    with pytest.raises(TypeError, match="local_date"):
        clock.format_date(INSTANT)


def test_local_date_of_naive_value_is_taken_as_utc() -> None:
    assert clock.local_date(datetime(2024, 1, 31, 23, 30)) == date(2024, 2, 1)


def test_ensure_utc() -> None:
    plus_two = datetime(2024, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert clock.ensure_utc(plus_two) == datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
    assert clock.ensure_utc(plus_two).tzinfo is UTC
