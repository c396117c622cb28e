"""Gap-free per-org counters, taken under the row lock of the counter row.

The increment happens in the caller's transaction, so a rolled-back request gives its number
back and invoice numbers never skip. ``numbers_at_commit`` takes them as the transaction
commits, on PostgreSQL without a round trip while the row is locked (``db.at_commit``).
"""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.db import at_commit
from mascustomers.db.pipelining import queue
from mascustomers.db.prepared import PreparedSelect
from mascustomers.models import OrgSequence

# Built once, on the table (no ORM statement handling): a signup advances three counters and
# building and routing the ORM statement cost more than running it.
_COUNTER = cast(Table, OrgSequence.__table__)
_INCREMENT = (
    update(_COUNTER)
    .where(_COUNTER.c.org_id == bindparam("org"), _COUNTER.c.name == bindparam("counter"))
    .values(last_value=_COUNTER.c.last_value + 1)
    .returning(_COUNTER.c.last_value)
)


# Several counters in one statement, prepared for each number of counters (db.prepared): on
# PostgreSQL an order's statement joins the run of its writes. There their rows are locked in
# name order first (``SELECT … ORDER BY name FOR UPDATE``): a multi-row UPDATE would lock them
# in scan order, and two orders locking the same counters in different orders could deadlock.
# SQLite has one writer at a time.
class _Advanced(NamedTuple):
    name: str
    last_value: int


@cache
def _advance(count: int, postgres: bool) -> PreparedSelect[_Advanced]:
    named: Any = _COUNTER.c.name.in_([bindparam(f"counter_{i}") for i in range(count)])
    if postgres:
        locked = (
            select(_COUNTER.c.name)
            .where(_COUNTER.c.org_id == bindparam("org"), named)
            .order_by(_COUNTER.c.name)
            .with_for_update()
            .cte("locked")
        )
        named = _COUNTER.c.name == locked.c.name
    return PreparedSelect(
        update(_COUNTER)
        .where(_COUNTER.c.org_id == bindparam("org"), named)
        .values(last_value=_COUNTER.c.last_value + 1)
        .returning(_COUNTER.c.name, _COUNTER.c.last_value),
        _Advanced,
    )


def next_values(session: Session, *, org_id: int, names: Collection[str]) -> dict[str, int]:
    """The next value of each of the org's counters ``names``, by name (see ``next_value``)."""
    at_commit.settle(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    ordered = sorted(names)
    counters = {f"counter_{i}": name for i, name in enumerate(ordered)}
    rows = _advance(len(ordered), postgres).all(session, org=org_id, **counters)
    values = {row.name: int(row.last_value) for row in rows}
    for name in names:
        if name not in values:  # a new counter: created on its first use
            values[name] = next_value(session, org_id=org_id, name=name)
    return values


def next_value(session: Session, *, org_id: int, name: str) -> int:
    """The next value of the org's counter ``name`` (1 for a new counter)."""
    at_commit.settle(session)
    for _ in range(3):
        value = session.execute(_INCREMENT, {"org": org_id, "counter": name}).scalar_one_or_none()
        if value is not None:
            return int(value)
        try:
            with session.begin_nested():
                session.execute(insert(OrgSequence).values(org_id=org_id, name=name, last_value=1))
            return 1
        except IntegrityError:
            continue  # another transaction created the counter first; increment it
    raise RuntimeError(f"could not advance sequence {name}")


def current_value(session: Session, *, org_id: int, name: str) -> int:
    value = session.scalar(
        select(OrgSequence.last_value).where(OrgSequence.org_id == org_id, OrgSequence.name == name)
    )
    return int(value or 0)


def advance_to(session: Session, *, org_id: int, name: str, value: int) -> None:
    """Move a counter forward to ``value`` (bulk loads that took numbers themselves)."""
    at_commit.settle(session)
    if current_value(session, org_id=org_id, name=name) == 0:
        next_value(session, org_id=org_id, name=name)
    session.execute(
        update(OrgSequence)
        .where(
            OrgSequence.org_id == org_id, OrgSequence.name == name, OrgSequence.last_value < value
        )
        .values(last_value=value)
    )


_NAME = re.compile(r"^[a-z_]+$")
_PREFIX = re.compile(r"^[A-Z-]*$")


@dataclass(frozen=True)
class NumberFormat:
    """How a counter's value is shown: ``prefix``, then ``offset + value`` in at least
    ``digits`` digits (``MM-5000001``), in Python and, the same, in SQL."""

    prefix: str
    digits: int
    offset: int = 0

    def __post_init__(self) -> None:
        assert _PREFIX.match(self.prefix), "the prefix is written into SQL"

    def text(self, value: int) -> str:
        return f"{self.prefix}{self.offset + value:0{self.digits}d}"

    def sql(self, value: str) -> str:
        """The text for the SQL expression ``value`` (an integer): zero-padded like
        ``text``, never cut (``lpad`` cuts a longer number)."""
        number = f"CAST({self.offset} + {value} AS TEXT)"
        padding = f"repeat('0', greatest(0, {self.digits} - length({number})))"
        return f"('{self.prefix}' || {padding} || {number})"


# The counters advanced (each created on its first use) in name order: two orders taking the
# same counters lock their rows in the same order and cannot deadlock. Their names (checked)
# are written into the text, not sent as an array, which psycopg dumps in Python.
@lru_cache(maxsize=64)
def _advance_at_commit(names: tuple[str, ...]) -> str:
    assert all(_NAME.match(name) for name in names), "counter names are written into SQL"
    listed = ", ".join(f"('{name}')" for name in names)
    return f"""
    INSERT INTO org_sequence (org_id, name, last_value)
    SELECT %(org)s, counter.name, 1
    FROM (VALUES {listed}) AS counter (name)
    ORDER BY counter.name
    ON CONFLICT (org_id, name) DO UPDATE SET last_value = org_sequence.last_value + 1
    RETURNING name, last_value
"""  # noqa: S608


def numbers_at_commit(
    session: Session, *, org_id: int, formats: Mapping[str, NumberFormat]
) -> dict[str, str]:
    """The next value of each of the org's counters in ``formats``, shown as its format says.

    On PostgreSQL each is a stand-in (``db.at_commit.late_text``) that the statements sent
    with the COMMIT replace by the value: the statement advancing the counters needs no
    answer, so their rows are locked only while the server works; rows that show a number
    are given to ``at_commit.fix_objects`` / ``fix_rows`` by whoever writes them. Elsewhere
    the numbers are taken now (``next_values``).
    """
    if session.get_bind().dialect.name != "postgresql":
        taken = next_values(session, org_id=org_id, names=list(formats))
        return {name: shown.text(taken[name]) for name, shown in formats.items()}
    at_commit.settle(session)
    names = tuple(sorted(formats))
    answer = queue(session.connection(), _advance_at_commit(names), {"org": org_id})
    values: dict[str, int] = {}

    def value_of(name: str) -> int:
        if not values:
            values.update((row[0], int(row[1])) for row in answer())
        return values[name]

    return {
        name: at_commit.late_text(
            session,
            sql=shown.sql(
                # An integer and a checked name: written into SQL that joins others'.
                f"(SELECT last_value FROM org_sequence"  # noqa: S608
                f" WHERE org_id = {int(org_id)} AND name = '{name}')"
            ),
            value=lambda name=name, shown=shown: shown.text(value_of(name)),  # type: ignore[misc]
        )
        for name, shown in formats.items()
    }
