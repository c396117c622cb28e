"""Primary keys taken before the rows are built.

An order that knows its rows' ids can build every row that points at them without flushing
each one first: the rows are then written together, a few statements instead of one flush per
row. One statement reserves ids for several tables.

PostgreSQL takes them from each table's own sequence (a rolled-back order leaves a gap, as an
insert would). SQLite gives a new row ``max(id) + 1``; the order holds the database's write
lock (BEGIN IMMEDIATE), so nobody else inserts meanwhile. Reserve at most once per table in
a transaction, and insert nothing else into those tables until the reserved rows are written.
"""

from functools import cache, lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnClause,
    Integer,
    Select,
    Table,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from mascustomers.db.base import Base
from mascustomers.db.prepared import PreparedSelect


def send_reservation_ahead(session: Session, counts: dict[type[Base], int]) -> None:
    """``reserve_ids``'s read on PostgreSQL, sent ahead (``PreparedSelect.send_ahead``): taken
    by a ``reserve_ids`` with the same counts."""
    wanted = {model: count for model, count in counts.items() if count > 0}
    if wanted and session.get_bind().dialect.name == "postgresql":
        _sequences_read(wanted).send_ahead(session)


def reserve_ids(session: Session, counts: dict[type[Base], int]) -> dict[type[Base], list[int]]:
    """``counts[model]`` new ids for each model, ascending."""
    wanted = {model: count for model, count in counts.items() if count > 0}
    ids: dict[type[Base], list[int]] = {model: [] for model in counts}
    if not wanted:
        return ids
    if session.get_bind().dialect.name == "postgresql":
        models = list(wanted)
        for part, value in _sequences_read(wanted).all(session):
            ids[models[part]].append(value)
        for values in ids.values():
            values.sort()
        return ids
    tables = tuple(cast(Table, model.__table__) for model in wanted)
    tops = session.execute(_tops(tables)).one()
    for (model, count), top in zip(wanted.items(), tops, strict=True):
        first = int(top or 0) + 1
        ids[model] = list(range(first, first + count))
    return ids


def _sequences_read(wanted: dict[type[Base], int]) -> "PreparedSelect[_Reserved]":
    tables = tuple(cast(Table, model.__table__) for model in wanted)
    return _from_sequences(tables, tuple(wanted.values()))


class _Reserved(NamedTuple):
    part: int  # the table's place in the statement
    id: int


# The statements are built once for each set of tables and counts (an order reserves the same
# few every time). The series' bounds are written into the SQL: with either as a parameter, the
# generic plan of a prepared statement expects generate_series to give 1,000 rows, so
# PostgreSQL planned every call anew (pg_stat_statements: as many plans as calls, ~80 µs
# each). Every order reserves: straight on the cursor.
_ONE = literal_column("1", Integer)


@lru_cache(maxsize=256)
def _from_sequences(
    tables: tuple[Table, ...], counts: tuple[int, ...]
) -> PreparedSelect[_Reserved]:
    return PreparedSelect(
        union_all(
            *(
                select(literal(index).label("part"), _nextval(table.name).label("id")).select_from(
                    func.generate_series(_ONE, literal_column(str(int(count)), Integer))
                )
                for index, (table, count) in enumerate(zip(tables, counts, strict=True))
            )
        ),
        _Reserved,
    )


@cache
def _tops(tables: tuple[Table, ...]) -> Select[Any]:
    return select(*(select(func.max(table.c.id)).scalar_subquery() for table in tables))


def _nextval(table: str) -> ColumnClause[int]:
    # Table names come from the models, never from a request.
    return literal_column(f"nextval(pg_get_serial_sequence('{table}', 'id'))", Integer)
