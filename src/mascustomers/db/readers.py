"""On PostgreSQL a reader's statements each run on their own (autocommit), not in a transaction.

Under READ COMMITTED every statement takes a snapshot of its own, inside a transaction or not,
so a reader's transaction made its reads no more consistent; it cost two round trips, BEGIN
(psycopg waits for its answer, in pipeline mode too) and the COMMIT at its end. Without them
a worker spends 11–16 % less CPU on a read of the read mix (docs/performance.md).

A reader must not write: outside a transaction each write would commit on its own, and nothing
after it could undo it. A reader's session (``as_reader``, on every database, and in tests) and
a reader's connection on PostgreSQL refuse INSERT, UPDATE and DELETE (``RuntimeError``), as a
write begun by a SQLite reader fails (``db.engine``). A reader that turns writer
(``db.engine.begin_for_write``, e.g. the console's sign-in recording its outcome) gets its
transactions back first (``as_writer``).
"""

import weakref
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session

_AUTOCOMMIT = "AUTOCOMMIT"
_READER = "mascustomers_reader"
_REFUSAL = (
    "a reader began to write (it reads outside a transaction on PostgreSQL, so each write would "
    "commit alone): a route that writes must be a writer (a write method, or x-writes: "
    "db.dependencies)"
)
# Each request engine that lets its readers read outside transactions, with the variant of it
# (same pool) whose connections are in autocommit while checked out; and back.
_reading_engines: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()
_writing_engines: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()


def read_outside_transactions(engine: Engine) -> None:
    """Give ``engine`` (PostgreSQL's request engine) an autocommit variant for its readers, on
    which writes fail."""
    reading = engine.execution_options(isolation_level=_AUTOCOMMIT)
    _reading_engines[engine] = reading
    _writing_engines[reading] = engine

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_writes(
        conn: Connection, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        # ``context`` may be None or db.pipelining's own (a run's statements): those runs are
        # writers', and a reader's ORM writes were refused before (below).
        if conn.get_execution_options().get("isolation_level") == _AUTOCOMMIT and any(
            getattr(context, kind, False) for kind in ("isinsert", "isupdate", "isdelete")
        ):
            raise RuntimeError(_REFUSAL)


def as_reader(session: Session) -> None:
    """Make ``session``, not yet used, a reader's: it refuses writes, and reads outside
    transactions where its engine allows it (not on SQLite, nor on a test's connection)."""
    session.info[_READER] = True
    reading = _reading_engines.get(session.bind) if isinstance(session.bind, Engine) else None
    if reading is not None:
        session.bind = reading


def as_writer(session: Session) -> None:
    """Make a reader's ``session``, outside a transaction now, a writer's again."""
    if session.info.pop(_READER, False):
        writing = _writing_engines.get(session.bind) if isinstance(session.bind, Engine) else None
        if writing is not None:
            session.bind = writing


@event.listens_for(Session, "do_orm_execute")
def _refuse_orm_writes(state: ORMExecuteState) -> None:
    if state.session.info.get(_READER) and (state.is_insert or state.is_update or state.is_delete):
        raise RuntimeError(_REFUSAL)


@event.listens_for(Session, "before_flush")
def _refuse_flushed_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_READER) and (
        session.new or session.deleted or any(session.is_modified(row) for row in session.dirty)
    ):
        raise RuntimeError(_REFUSAL)
