"""The one source of "now": clocks, per-org test time and the API's date/time formats.

Instants are aware UTC datetimes; calendar dates are taken in the org's time zone
(default ``Europe/Madrid``) so a date never shifts by a day at midnight or across a
daylight-saving change.
"""

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Madrid"


def ensure_utc(instant: datetime) -> datetime:
    """The same instant as an aware UTC datetime; a naive value is taken as UTC."""
    # SQLite hands back naive datetimes for columns we always write in UTC.
    if instant.tzinfo is None or instant.utcoffset() is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def local_date(instant: datetime, tz: str = DEFAULT_TIMEZONE) -> date:
    """The calendar date of an instant in the given time zone."""
    return ensure_utc(instant).astimezone(ZoneInfo(tz)).date()


class Clock(ABC):
    """Tells the current instant; everything that needs "now" asks one of these."""

    @abstractmethod
    def now(self) -> datetime:
        """The current instant, aware and in UTC."""

    def today(self, tz: str = DEFAULT_TIMEZONE) -> date:
        """The current calendar date in the given time zone."""
        return local_date(self.now(), tz)


class SystemClock(Clock):
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant, aware and in UTC."""
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that stays at a chosen instant until it is set or advanced."""

    def __init__(self, instant: datetime) -> None:
        self._instant = _require_aware(instant)

    def now(self) -> datetime:
        """The frozen instant, aware and in UTC."""
        return self._instant

    def set(self, instant: datetime) -> None:
        """Move the clock to an instant."""
        self._instant = _require_aware(instant)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward (or back, with a negative delta) and return the new instant."""
        self._instant = self._instant + delta
        return self._instant


def _require_aware(instant: datetime) -> datetime:
    """The instant in UTC, refusing naive values."""
    # A naive instant given by a caller is ambiguous (local? UTC?), unlike one read back
    # from our own storage, so clocks refuse it instead of guessing.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"clock instant must be timezone-aware, got naive {instant.isoformat()}")
    return instant.astimezone(UTC)


# Process-wide state. Per-org instants are the in-process half of test clocks; whoever
# persists test clocks loads them here. The lock keeps set/clear atomic across threads.
_lock = threading.Lock()
_default_clock: Clock = SystemClock()
_org_instants: dict[str, datetime] = {}


def default_clock() -> Clock:
    """The clock used for every org without its own test time."""
    return _default_clock


def set_default_clock(clock: Clock) -> Clock:
    """Replace the process-wide clock and return the previous one."""
    global _default_clock
    with _lock:
        previous, _default_clock = _default_clock, clock
    return previous


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Use a clock as the process-wide clock within a ``with`` block."""
    previous = set_default_clock(clock)
    try:
        yield clock
    finally:
        set_default_clock(previous)


def set_org_time(org_id: str, instant: datetime) -> None:
    """Freeze one org's time at an instant (a test clock)."""
    aware = _require_aware(instant)
    with _lock:
        _org_instants[org_id] = aware


def clear_org_time(org_id: str) -> None:
    """Return one org to the process-wide clock."""
    with _lock:
        _org_instants.pop(org_id, None)


def org_time_overrides() -> dict[str, datetime]:
    """A copy of the orgs whose time is frozen, with their instants."""
    with _lock:
        return dict(_org_instants)


def clock_for(org_id: str | None = None) -> Clock:
    """The clock for an org: its frozen test time if set, else the process-wide clock."""
    if org_id is not None:
        instant = _org_instants.get(org_id)
        if instant is not None:
            return FrozenClock(instant)
    return _default_clock


def now(org_id: str | None = None) -> datetime:
    """The current instant for an org (aware UTC)."""
    return clock_for(org_id).now()


def today(org_id: str | None = None, tz: str = DEFAULT_TIMEZONE) -> date:
    """The current calendar date for an org in its time zone."""
    return clock_for(org_id).today(tz)


def start_of_day(day: date, tz: str) -> datetime:
    """The instant a calendar day of the org begins (midnight in its time zone ``tz``), in UTC.

    Dates a channel gives (a scheduled change, a termination, a portability window, a date
    filter) are the org's calendar days: what falls due on one is due from this instant.
    """
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def format_timestamp(instant: datetime) -> str:
    """An instant as the API's ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    # isoformat, unlike strftime("%Y"), zero-pads years below 1000 on every platform.
    utc = ensure_utc(instant).replace(microsecond=0, tzinfo=None)
    return f"{utc.isoformat()}Z"


def format_date(day: date) -> str:
    """A calendar date as the API's ``YYYY-MM-DD``."""
    # A datetime is also a date; formatting it here would silently pick the UTC day.
    if isinstance(day, datetime):
        raise TypeError("format_date takes a date; use local_date() to get an instant's date")
    return day.isoformat()
