"""Monthly billing cycles: calendar months in the org's time zone, and day counting.

A cycle ``2026-11`` covers the local days 2026-11-01 … 2026-11-30. Periods are half-open
ranges of local dates ``[start, end)``: a line activated on the 10th is billed from the 10th,
one that ends on the 20th is billed up to the 19th, and a tariff change on the 15th bills the
old tariff up to the 14th and the new one from the 15th. Instants become local dates with
``kit.clock.local_date`` so a change at 00:30 Madrid time on the 1st belongs to the 1st.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mascustomers.kit.clock import local_date, start_of_day

_CYCLE = re.compile(r"(\d{4})-(\d{2})")
# Far enough for any real billing, and far from date's limits.
MIN_YEAR, MAX_YEAR = 1970, 9000


class InvalidCycle(ValueError):
    """A cycle that is not ``YYYY-MM`` within the supported years."""


@dataclass(frozen=True, order=True)
class Cycle:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Cycle":
        match = _CYCLE.fullmatch(text.strip())
        if match is None:
            raise InvalidCycle(f"cycle must be YYYY-MM, got {text!r}")
        year, month = int(match.group(1)), int(match.group(2))
        if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR):
            raise InvalidCycle(f"cycle {text!r} is not a month between {MIN_YEAR} and {MAX_YEAR}")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> "Cycle":
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        """The first day of the cycle."""
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The first day after the cycle (exclusive end)."""
        return self.next().start

    @property
    def last_day(self) -> date:
        """The cycle's last day (the invoice's ``cycle_end``)."""
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def next(self) -> "Cycle":
        return Cycle(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Cycle":
        return Cycle(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def closes_at(self, tz: str) -> datetime:
        """The instant the cycle is over: the start of its next month, in the org's zone."""
        return start_of_day(self.end, tz)


@dataclass(frozen=True)
class Period:
    """Local days ``[start, end)``; ``end`` None means still open."""

    start: date
    end: date | None = None

    @classmethod
    def between(cls, start: datetime, end: datetime | None, tz: str) -> "Period":
        """The local days from one instant up to (not including the day of) another."""
        return cls(local_date(start, tz), local_date(end, tz) if end is not None else None)

    def days_within(self, cycle: Cycle, *others: "Period") -> int:
        """How many days of ``cycle`` are in this period and in every one of ``others``."""
        start = max(self.start, cycle.start, *(other.start for other in others))
        ends = [cycle.end, *(p.end for p in (self, *others) if p.end is not None)]
        return max((min(ends) - start).days, 0)

    def clipped(self, cycle: Cycle, *others: "Period") -> "Period | None":
        """The part of this period inside ``cycle`` and ``others`` (None when empty)."""
        start = max(self.start, cycle.start, *(other.start for other in others))
        ends = [cycle.end, *(p.end for p in (self, *others) if p.end is not None)]
        end = min(ends)
        return Period(start, end) if end > start else None


def closed_cycles_between(after: datetime, until: datetime, tz: str) -> list[Cycle]:
    """Cycles whose close instant is in ``(after, until]``, oldest first."""
    cycle = Cycle.of(local_date(after, tz))
    closed = []
    while cycle.closes_at(tz) <= until:
        if cycle.closes_at(tz) > after:
            closed.append(cycle)
        cycle = cycle.next()
    return closed
