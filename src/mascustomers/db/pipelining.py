"""Writes sent to PostgreSQL together: one round trip for a run of statements, not one each.

An order writes a few dozen rows with statements that need no answer but success: their ids
are reserved up front and nothing reads their results. Inside ``pipelined(session)`` such
statements go out in psycopg's pipeline mode — sent one after another, their answers read
together when the run ends — instead of each waiting for its own round trip (an await on the
event loop, a wake-up of the server and of the worker each: 90 µs of CPU for a single-row
INSERT with psycopg alone here, 17 µs in a run). ``until_commit`` starts a run that lasts
until the commit, which joins it: the last writes and COMMIT are one round trip. An order
calls it once it holds its gap-free counters, and the outbox numbers its events in one
statement that needs no answer, so the counter rows that every signup of the org queues on are
held for two round trips, not nine (docs/performance.md (c): that queue, not the CPU, was
what capped signups on PostgreSQL).

Only statements marked ``NO_ANSWER`` (``.execution_options(**NO_ANSWER)``) join a run: INSERTs
and UPDATEs whose result and row count nobody looks at (an INSERT also built ``inline()``, so
that no generated id is returned). Any other statement — a read, an ORM flush (which checks
row counts), a savepoint — ends the run first, so it sees every write before it and gets its
answer as usual; so do a rollback and the end of a ``pipelined`` block. A failed write is
raised where the run ends (the statement that ended it, the block's end, the commit) as
SQLAlchemy's error of its kind, and the transaction is then aborted, as after any failed
statement.

SQLite has no round trips to save: nothing changes there, nor on synchronous engines (CLI,
scheduler, the tests' in-process app), whose statements may wait on their own thread.
"""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import Engine, Insert, Table, event, insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.util import await_

NEEDS_NO_ANSWER = "mascustomers_needs_no_answer"
NO_ANSWER = {NEEDS_NO_ANSWER: True}
# Where a connection keeps its open run (psycopg's pipeline context manager).
_RUN = "mascustomers_pipelined_run"
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


@cache
def insert_needing_no_answer(table: Table) -> Insert:
    """``INSERT INTO table``, built once, that may join a run: marked ``NO_ANSWER``, and
    ``inline()`` so that no generated id is returned (which would need an answer)."""
    return insert(table).inline().execution_options(**NO_ANSWER)


def send_writes_together(engine: Engine) -> None:
    """Let ``pipelined`` blocks send their writes together on ``engine``: the request engine
    on PostgreSQL, whose connections are psycopg's async ones."""
    _ENGINES.add(engine)

    @event.listens_for(engine, "before_cursor_execute")
    def _end_run_before_others(
        conn: Connection, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        # No context: a statement run straight on the cursor (db.prepared), a read.
        if _RUN in conn.info and (
            context is None or not context.execution_options.get(NEEDS_NO_ANSWER)
        ):
            _end_run(conn)

    @event.listens_for(engine, "commit")
    def _commit_in_the_run(conn: Connection) -> None:
        # COMMIT joins the run: the last writes and the commit are one round trip. The
        # driver's own commit, which follows, then finds no transaction and sends nothing.
        if _RUN in conn.info:
            _end_run(conn, commit=True)

    @event.listens_for(engine, "rollback")
    def _end_run_before_rollback(conn: Connection) -> None:
        if _RUN in conn.info:
            with suppress(DBAPIError):  # a failed write: raised already, or moot now
                _end_run(conn)


def is_running(on: Session | Connection) -> bool:
    """Whether marked writes on the session's (or this) connection are being sent together."""
    connection = on.connection() if isinstance(on, Session) else on
    return _RUN in connection.info


def until_commit(session: Session) -> None:
    """From now on marked writes go out together, and with the COMMIT; a statement that needs
    an answer, or a rollback, ends the run sooner (see the module text)."""
    connection = session.connection()
    if connection.engine in _ENGINES and _RUN not in connection.info:
        _start_run(connection)


@contextmanager
def pipelined(session: Session) -> Iterator[None]:
    """Within the block, marked writes go out together (see the module text)."""
    connection = session.connection()
    if connection.engine not in _ENGINES or _RUN in connection.info:
        yield
        return
    _start_run(connection)
    try:
        yield
    except BaseException:
        if _RUN in connection.info:
            with suppress(DBAPIError):  # the block's own error is the one to raise
                _end_run(connection)
        raise
    if _RUN in connection.info:
        _end_run(connection)


def _start_run(connection: Connection) -> None:
    run = connection.connection.driver_connection.pipeline()  # type: ignore[union-attr]
    await_(run.__aenter__())
    connection.info[_RUN] = run


def _end_run(connection: Connection, *, commit: bool = False) -> None:
    """Send what is queued (and COMMIT) and read every answer; a failed write's error is
    raised here."""
    run = connection.info.pop(_RUN)
    try:
        if commit:
            await_(connection.connection.driver_connection.commit())  # type: ignore[union-attr]
        await_(run.__aexit__(None, None, None))
    except psycopg.Error as error:
        raise DBAPIError.instance(None, None, error, psycopg.Error) from error
