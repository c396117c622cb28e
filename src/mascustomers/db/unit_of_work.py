"""The writes of one operation, as the services that store its rows see them.

A service that creates rows receives a ``UnitOfWork`` where it would receive the session (its
``session`` is there for reads) and says what it writes, not how:

- ``insert(obj)``: a new row that later code points at, written now: afterwards it has its id
  and is a persistent object of the session;
- ``add(obj)``: a new row that has its id at once and is written with the others of its table
  by ``write``;
- ``add_row(obj)``: the same for a row nothing reads back as an object (it stays out of the
  session: the session's own flush would not know to write it after the row it points at);
- ``append(model, **values)``: an append-only row (histories, services, commitments…),
  written by ``write``;
- ``update(changes)``: new values of written objects, in one UPDATE.

How that happens is the unit of work's business. ``UnitOfWork(session)`` writes everything at
once (a flush, or a Core INSERT per appended row): what a single change needs. An order that
stores a few dozen rows is ``UnitOfWork.order(session, reserve=…)``, a few statements instead
of one flush per row (``docs/architecture.md``, "How an order writes"):

- the ids of the rows it creates are taken up front, one statement for all tables
  (``db.ids.reserve_ids``), so a row pointing at another needs no flush first;
- ``insert`` is then one Core INSERT of the object, attached as loaded
  (``db.loaded_rows.insert_loaded``); ``add`` and ``add_row`` wait for ``write``, which writes
  each table's rows in one INSERT (``insert_pending``, ``db.row_buffer.RowBuffer``), in
  foreign-key order, and appended rows with them; on PostgreSQL ``write`` sends them all
  in one round trip (``db.pipelining``).

A model with reserved ids takes them in order; once they are used up its rows are flushed for
their ids again — but never while rows with reserved ids wait to be written (on SQLite a flushed
row takes ``max(id) + 1``, the id of a waiting one): that is a miscount, a bug.
"""

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from mascustomers.db.base import Base
from mascustomers.db.ids import reserve_ids
from mascustomers.db.loaded_rows import insert_loaded, insert_pending, row_values, update_loaded
from mascustomers.db.pipelining import pipelined
from mascustomers.db.row_buffer import RowBuffer, table_order


class UnitOfWork:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._gathering = False
        self._reserved: dict[type[Base], list[int]] = {}
        self._pending: dict[type[Base], list[Base]] = {}
        # Models with rows written by ``write`` under a reserved id.
        self._waiting: set[type[Base]] = set()
        self._rows = RowBuffer()

    @classmethod
    def order(
        cls, session: Session, *, reserve: dict[type[Base], int] | None = None
    ) -> "UnitOfWork":
        """An order's writes, gathered until ``write``; with ``reserve``, that many ids of
        each model are taken now, in one statement."""
        uow = cls(session)
        uow._gathering = True
        if reserve:
            uow._reserved = reserve_ids(session, reserve)
        return uow

    def insert(self, obj: Base) -> None:
        """Write a new object now; it has its id and is persistent afterwards."""
        object_id = self._next_id(type(obj))
        if object_id is None:
            self.session.add(obj)
            self.session.flush()
            return
        obj.id = object_id  # type: ignore[attr-defined]
        insert_loaded(self.session, obj)

    def add(self, obj: Base) -> None:
        """A new object with its id from now on, written by ``write`` (or now, flushed for its
        id, when none was reserved for its model)."""
        object_id = self._next_id(type(obj))
        self.session.add(obj)
        if object_id is None:
            self.session.flush()
            return
        obj.id = object_id  # type: ignore[attr-defined]
        self._pending.setdefault(type(obj), []).append(obj)
        self._waiting.add(type(obj))

    def add_row(self, obj: Base) -> None:
        """A new object only its id is needed of: written by ``write`` with the rows it points
        at before it, outside the session (or flushed now when no id was reserved)."""
        object_id = self._next_id(type(obj))
        if object_id is None:
            self.session.add(obj)
            self.session.flush()
            return
        obj.id = object_id  # type: ignore[attr-defined]
        self._rows.add(type(obj), **row_values(obj))
        self._waiting.add(type(obj))

    def append(self, model: type[Base], **values: Any) -> None:
        """An append-only row; every row of a table gives the same columns."""
        if self._gathering:
            self._rows.add(model, **values)
        else:
            self.session.execute(insert(cast(Table, model.__table__)), [values])

    def update(self, changes: list[tuple[Base, dict[str, Any]]]) -> None:
        """New values of written objects of one table, each setting the same attributes, in
        one UPDATE now; the objects take them as loaded."""
        update_loaded(self.session, changes)

    def write(self) -> None:
        """Write what was gathered: each table's new objects in one INSERT, anything else the
        session holds, then the appended rows."""
        pending, self._pending = self._pending, {}
        with pipelined(self.session):
            for _, objects in sorted(pending.items(), key=lambda item: table_order(item[0])):
                insert_pending(self.session, objects)
            self.session.flush()
            self._rows.write(self.session)
        self._waiting.clear()

    def _next_id(self, model: type[Base]) -> int | None:
        ids = self._reserved.get(model)
        if ids:
            return ids.pop(0)
        # Ids all used: one more row is flushed for its id, safe once none with a reserved id
        # waits to be written.
        assert model not in self._waiting, f"no reserved {model.__name__} id left"
        return None
