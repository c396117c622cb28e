"""Gap-free per-org counters, taken under the row lock of the counter row.

The increment happens in the caller's transaction, so a rolled-back request gives its number
back and invoice numbers never skip.
"""

from collections.abc import Collection
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
    if current_value(session, org_id=org_id, name=name) == 0:
        next_value(session, org_id=org_id, name=name)
    session.execute(
        update(OrgSequence)
        .where(
            OrgSequence.org_id == org_id, OrgSequence.name == name, OrgSequence.last_value < value
        )
        .values(last_value=value)
    )
