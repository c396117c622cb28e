"""Writes sent to PostgreSQL together: one round trip for a run of statements, not one each.

An order writes a few dozen rows with statements that need no answer but success: their ids
are reserved up front and nothing reads their results. Inside ``pipelined(session)`` such
statements go out in psycopg's pipeline mode — sent one after another, their answers read
together when the run ends — instead of each waiting for its own round trip (an await on the
event loop, a wake-up of the server and of the worker each). Signups on PostgreSQL, same
run, before and after (docs/performance.md (c)): a convergent one 17.2 → 13.4 ms of the
worker's CPU; with 2 workers on 2 cores, mobile 101–102 → 123–128/s (p99 593–621 → 436–438
ms), convergent 67 → 75/s. Most of the gain is the wait: the writes after an order takes its
gap-free counters are one round trip now, and those counter rows are what concurrent signups
queue on until it commits.

Only statements marked ``NO_ANSWER`` (``.execution_options(**NO_ANSWER)``) join a run: INSERTs
and UPDATEs whose result and row count nobody looks at (an INSERT also built ``inline()``, so
that no generated id is returned). Any other statement — a read, an ORM flush (which checks
row counts), a savepoint — ends the run first, so it sees every write before it and gets its
answer as usual; so does a commit or a rollback, and the end of the block. A failed write is
raised where the run ends, as SQLAlchemy's error of its kind, and the transaction is then
aborted, as after any failed statement.

SQLite has no round trips to save: the block does nothing there, nor on synchronous engines
(CLI, scheduler, tests' in-process app), whose statements may wait on their own thread.
"""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.util import await_

NEEDS_NO_ANSWER = "mascustomers_needs_no_answer"
NO_ANSWER = {NEEDS_NO_ANSWER: True}
# Where a connection keeps its open run (psycopg's pipeline context manager).
_RUN = "mascustomers_pipelined_run"
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def send_writes_together(engine: Engine) -> None:
    """Let ``pipelined`` blocks send their writes together on ``engine``: the request engine
    on PostgreSQL, whose connections are psycopg's async ones."""
    _ENGINES.add(engine)

    @event.listens_for(engine, "before_cursor_execute")
    def _end_run_before_others(
        conn: Connection, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if _RUN in conn.info and not context.execution_options.get(NEEDS_NO_ANSWER):
            _end_run(conn)

    @event.listens_for(engine, "commit")
    def _end_run_before_commit(conn: Connection) -> None:
        if _RUN in conn.info:
            _end_run(conn)

    @event.listens_for(engine, "rollback")
    def _end_run_before_rollback(conn: Connection) -> None:
        if _RUN in conn.info:
            with suppress(DBAPIError):  # a failed write: raised already, or moot now
                _end_run(conn)


def is_running(session: Session) -> bool:
    """Whether marked writes on the session's connection are being sent together now."""
    return _RUN in session.connection().info


@contextmanager
def pipelined(session: Session) -> Iterator[None]:
    """Within the block, marked writes go out together (see the module text)."""
    connection = session.connection()
    if connection.engine not in _ENGINES or _RUN in connection.info:
        yield
        return
    run = connection.connection.driver_connection.pipeline()  # type: ignore[union-attr]
    await_(run.__aenter__())
    connection.info[_RUN] = run
    try:
        yield
    except BaseException:
        if _RUN in connection.info:
            with suppress(DBAPIError):  # the block's own error is the one to raise
                _end_run(connection)
        raise
    if _RUN in connection.info:
        _end_run(connection)


def _end_run(connection: Connection) -> None:
    """Send what is queued and read every answer; a failed write's error is raised here."""
    run = connection.info.pop(_RUN)
    try:
        await_(run.__aexit__(None, None, None))
    except psycopg.Error as error:
        raise DBAPIError.instance(None, None, error, psycopg.Error) from error
