"""New rows inserted with Core INSERTs and kept as ORM objects, as if loaded.

A row whose id is already known (``db.ids.reserve_ids``) needs no unit-of-work flush to be
written: one Core INSERT costs a fraction of it. The object then joins the session as a
persistent one, so later changes to it are flushed as UPDATEs and reads find it in the
identity map. As in a flush, a column the object leaves unset is written as its scalar default,
else NULL, and the object knows it; only a column with a computed default is read again if
used (it is expired).
"""

from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, inspect, update
from sqlalchemy.orm import InstanceState, Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from mascustomers.db.base import Base
from mascustomers.db.pipelining import NO_ANSWER, insert_needing_no_answer, send

_UNSET = object()


def insert_loaded(session: Session, obj: Base) -> None:
    """Insert ``obj`` (a new object with its id set) and attach it to ``session``."""
    state = inspect(obj)
    with session.no_autoflush:
        send(session, insert_needing_no_answer(cast(Table, state.mapper.local_table)), _row(state))
    make_transient_to_detached(obj)
    session.add(obj)


def insert_pending(session: Session, objects: Iterable[Base]) -> None:
    """Write those of ``objects`` still pending in ``session`` (all of one table, ids set) in
    one INSERT, instead of the flush that would write them; they become persistent."""
    pending = [obj for obj in objects if inspect(obj).pending]
    if not pending:
        return
    states = [inspect(obj) for obj in pending]
    rows = [_row(state) for state in states]
    # One executemany needs the same keys in every row.
    assert all(row.keys() == rows[0].keys() for row in rows), "rows leave other columns unset"
    table = cast(Table, states[0].mapper.local_table)
    with session.no_autoflush:  # (a session that autoflushes would insert them first)
        send(session, insert_needing_no_answer(table), rows)
    for obj in pending:
        session.expunge(obj)
        make_transient_to_detached(obj)
        session.add(obj)


def update_loaded(session: Session, changes: list[tuple[Base, dict[str, Any]]]) -> None:
    """New values of persistent objects of one table, written in one UPDATE (an executemany
    by id); every change sets the same attributes. The objects take the values as loaded, so
    the session has nothing left to flush for them."""
    if not changes:
        return
    mapper = inspect(changes[0][0]).mapper
    names = tuple(sorted(changes[0][1]))
    columns = {attribute: column for attribute, column, _ in _columns(mapper)}
    rows = []
    for obj, values in changes:
        assert tuple(sorted(values)) == names, "every change sets the same attributes"
        row = {f"new_{columns[name]}": value for name, value in values.items()}
        rows.append({"row_id": inspect(obj).dict["id"], **row})
    statement = _update(cast(Table, mapper.local_table), tuple(columns[n] for n in names))
    send(session, statement, rows)
    for obj, values in changes:
        for name, value in values.items():
            set_committed_value(obj, name, value)


def row_values(obj: Base) -> dict[str, Any]:
    """The new object's row by column name (its id set), as an INSERT would write it."""
    return _row(inspect(obj))


@cache
def _update(table: Table, columns: tuple[str, ...]) -> Any:
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam(f"new_{column}") for column in columns})
        .execution_options(**NO_ANSWER)
    )


def _row(state: InstanceState[Any]) -> dict[str, Any]:
    """The row's values by column name; unset columns get what a flush would give them."""
    # Without its id the row would be written but the object would not know it.
    assert state.dict.get("id") is not None, "reserve the id first (db.ids)"
    row = {}
    for attribute, column, default in _columns(state.mapper):
        value = state.dict.get(attribute, _UNSET)
        if value is _UNSET:
            if default is _UNSET:
                continue  # a computed default: the INSERT applies it
            value = state.dict[attribute] = default
        row[column] = value
    return row


@cache
def _columns(mapper: Mapper[Any]) -> tuple[tuple[str, str, Any], ...]:
    """(attribute, column name, value when unset) of each mapped column; the value is
    ``_UNSET`` for a column whose default is computed (by a function or the database)."""
    columns = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        default: Any = None
        if column.server_default is not None:
            default = _UNSET
        elif column.default is not None:
            default = column.default.arg if column.default.is_scalar else _UNSET
        columns.append((prop.key, str(column.key), default))
    return tuple(columns)
