"""Writes sent to PostgreSQL together: one round trip for a run of statements, not one each.

An order writes a few dozen rows with statements that need no answer but success: their ids
are reserved up front and nothing reads their results. Inside ``pipelined(session)`` such
statements go out in psycopg's pipeline mode — sent one after another, their answers read
together when the run ends — instead of each waiting for its own round trip (an await on the
event loop, a wake-up of the server and of the worker each: 90 µs of CPU for a single-row
INSERT with psycopg alone here, 17 µs in a run). ``until_commit`` starts a run that lasts
until the commit, which joins it: the last writes and COMMIT are one round trip. An order
calls it before its first write; its gap-free counters advance in a statement that needs no
answer (``queue``, ``db.at_commit``), and the outbox numbers its events in another, so the
counter rows that every signup of the org queues on are held only while the server runs the
last batch (docs/performance.md (c)).

Over TCP a run's statements are also held in the kernel until psycopg waits for an answer
(``db.held_sends``): they reach the server in a segment or two a round trip, not one each.

Statements marked ``NO_ANSWER`` (``.execution_options(**NO_ANSWER)``) join a run: INSERTs
and UPDATEs whose result and row count nobody looks at (an INSERT also built ``inline()``, so
that no generated id is returned). So does a ``PreparedSelect`` (a read, or an ``UPDATE …
RETURNING`` that claims a row; ``answer_in_run``): queued after the run's writes, it and they
are answered in one round trip, and the run goes on; a read can also be sent ahead of its use
(``send_ahead``), to be answered with what follows it. Any other
statement — an ORM read or flush (which checks row counts), a savepoint — ends the run first,
so it sees every write before it and gets its answer as usual; so does a rollback. Within a
``pipelined`` block, and from ``until_commit`` to the commit, the next marked write sent with
``send`` starts a run again; the block's end ends it. A failed write is raised where its answer
is read (a statement that joined or ended the run, the block's end, the commit) as
SQLAlchemy's error of its kind, and the transaction is then aborted, as after any failed
statement.

``queue(connection, sql, parameters)`` sends a statement of SQL text in a run (starting one
until the commit if needed) and reads its answer only when asked, after the run has ended:
the counters an order advances as it commits (``db.at_commit``).

``send(session, statement, rows)`` runs a marked statement. In a run it goes straight to the
driver's cursor: its SQL compiled once for the rows' columns, their values through the same
bind processors SQLAlchemy would apply, listeners told as for any statement. Through
``Session.execute`` a marked INSERT in a run cost 95 µs of CPU here, on the cursor 17–24 µs
(an order writes a few dozen). Outside a run, for a statement whose values SQLAlchemy would
still have to work out (a column default computed in Python), and for many rows at once, it
goes through the session.

SQLite has no round trips to save: nothing changes there, nor on synchronous engines (CLI,
scheduler, the tests' in-process app), whose statements may wait on their own thread.
"""

import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import Dialect, Engine, Executable, Insert, Table, event, insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_

from mascustomers.db.compiled_sql import CompiledSQL, compile_sql
from mascustomers.db.held_sends import HoldingConnection
from mascustomers.db.joined_writes import Held, shape_of, statements
from mascustomers.db.numbered_sql import numbered, values

NEEDS_NO_ANSWER = "mascustomers_needs_no_answer"
NO_ANSWER = {NEEDS_NO_ANSWER: True}
JOINS_RUN = "mascustomers_joins_run"
_JOINS = {JOINS_RUN: True}
# Where a connection keeps its open run (psycopg's pipeline context manager), the cursor that
# ``send`` uses in it, and the scope (a ``pipelined`` block, or until the commit) in which a
# marked write starts a run again.
_RUN = "mascustomers_pipelined_run"
_CURSOR = "mascustomers_pipelined_cursor"
_SCOPE = "mascustomers_pipelined_scope"
_AHEAD = "mascustomers_sent_ahead"
_HELD = "mascustomers_held_writes"
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
        # Writes held in the run go first, whatever comes (db.joined_writes).
        if _HELD in conn.info:
            _send_held(conn)
        # No context: a statement run straight on the cursor outside a run (db.prepared).
        if _RUN in conn.info and (context is None or not _joins(context.execution_options)):
            _end_run(conn)

    @event.listens_for(engine, "commit")
    def _commit_in_the_run(conn: Connection) -> None:
        # COMMIT joins the run: the last writes and the commit are one round trip. The
        # driver's own commit, which follows, then finds no transaction and sends nothing.
        _forget_transaction(conn.info)
        if _RUN in conn.info:
            _end_run(conn, commit=True)

    @event.listens_for(engine, "checkin")
    def _forget_scope(_dbapi: Any, record: ConnectionPoolEntry) -> None:
        # A connection closed in a scope (no commit, no rollback seen) starts the next
        # request without one, nor writes held from it.
        _forget_transaction(record.info)
        record.info.pop(_HELD, None)

    @event.listens_for(engine, "rollback")
    def _end_run_before_rollback(conn: Connection) -> None:
        _forget_transaction(conn.info)
        conn.info.pop(_HELD, None)  # writes of a transaction rolled back: never sent
        if _RUN in conn.info:
            with suppress(DBAPIError):  # a failed write: raised already, or moot now
                _end_run(conn)


def _forget_transaction(info: dict[Any, Any]) -> None:
    info.pop(_SCOPE, None)
    info.pop(_AHEAD, None)


def _joins(options: Mapping[str, Any]) -> bool:
    return bool(options.get(NEEDS_NO_ANSWER) or options.get(JOINS_RUN))


def is_running(on: Session | Connection) -> bool:
    """Whether marked writes on the session's (or this) connection are being sent together."""
    connection = on.connection() if isinstance(on, Session) else on
    return _RUN in connection.info


def until_commit(session: Session) -> None:
    """From now on marked writes go out together, and with the COMMIT; a statement that ends
    the run (see the module text) only ends it until the next marked write is sent."""
    connection = session.connection()
    if connection.engine not in _ENGINES:
        return
    connection.info[_SCOPE] = "commit"
    if _RUN not in connection.info:
        _start_run(connection)


@contextmanager
def pipelined(session: Session) -> Iterator[None]:
    """Within the block, marked writes go out together (see the module text)."""
    connection = session.connection()
    if connection.engine not in _ENGINES or _SCOPE in connection.info:
        yield
        return
    connection.info[_SCOPE] = "block"
    if _RUN not in connection.info:
        _start_run(connection)
    try:
        yield
    except BaseException:
        connection.info.pop(_SCOPE, None)
        if _RUN in connection.info:
            with suppress(DBAPIError):  # the block's own error is the one to raise
                _end_run(connection)
        raise
    if connection.info.get(_SCOPE) == "commit":
        return  # until_commit was called in the block: the run lasts until the commit
    connection.info.pop(_SCOPE, None)
    if _RUN in connection.info:
        _end_run(connection)


def _start_run(connection: Connection) -> None:
    run = connection.connection.driver_connection.pipeline()  # type: ignore[union-attr]
    await_(run.__aenter__())
    connection.info[_RUN] = run
    _hold(connection, True)


def _hold(connection: Connection, hold: bool, *, now: bool = False) -> None:
    driver = connection.connection.driver_connection
    if isinstance(driver, HoldingConnection):
        driver.hold(hold, now=now)


def _end_run(connection: Connection, *, commit: bool = False) -> None:
    """Send what is queued (and COMMIT) and read every answer; a failed write's error is
    raised here."""
    _send_held(connection)
    run = connection.info.pop(_RUN)
    cursor = connection.info.pop(_CURSOR, None)
    # What is held leaves with the wait for the run's answers (db.held_sends).
    _hold(connection, False)
    try:
        with _as_sqlalchemy_error(None, None):
            if commit:
                # Queued like the writes, and answered with them when the run ends: psycopg's
                # own commit() would wait for its answer, and the run's end for another (two
                # round trips, measured). The driver's commit that follows finds no
                # transaction.
                if cursor is None:
                    cursor = _cursor(connection)
                await_(cursor.execute(b"COMMIT", prepare=False))
            await_(run.__aexit__(None, None, None))
    finally:
        _hold(connection, False, now=True)


@contextmanager
def _as_sqlalchemy_error(sql: str | None, parameters: Any) -> Iterator[None]:
    """psycopg's errors raised as SQLAlchemy's of their kind (IntegrityError …), as for any
    statement of the session."""
    try:
        yield
    except psycopg.Error as error:
        raise DBAPIError.instance(sql, parameters, error, psycopg.Error) from error


Row = Mapping[str, Any]
# More rows than this go through SQLAlchemy, which writes them in a few multi-row INSERTs
# (insertmanyvalues) where the cursor would send one statement a row (a billing run's batch).
_ROWS_ON_THE_CURSOR = 16


def send(session: Session, statement: Executable, rows: Row | Sequence[Row]) -> None:
    """Run ``statement``, marked ``NO_ANSWER``, for one row of values or several (see the
    module text)."""
    connection = session.connection()
    listed: Sequence[Row] = [rows] if isinstance(rows, Mapping) else rows
    if _RUN not in connection.info and _SCOPE in connection.info:
        _start_run(connection)  # a statement needing its answer ended the scope's run
    if _RUN in connection.info and 0 < len(listed) <= _ROWS_ON_THE_CURSOR:
        compiled = _compiled(statement, connection.dialect, tuple(listed[0]))
        if compiled is not None:
            _hold_or_send(connection, compiled, listed)
            return
    session.execute(statement, rows)


def _hold_or_send(connection: Connection, compiled: CompiledSQL, rows: Sequence[Row]) -> None:
    """Hold the write to be joined with those after it (``db.joined_writes``); sent when the
    run's next other statement, or its end, comes. One that may not be joined is sent now,
    after those held."""
    shape = shape_of(compiled)
    if shape is not None and (len(rows) == 1 or not shape.update):
        parameters = [compiled.parameters(row) for row in rows]
        connection.info.setdefault(_HELD, []).append(Held(shape, parameters))
        return
    _send_held(connection)
    # One row as one statement: psycopg's executemany costs more for a single row.
    _send(connection, compiled, rows, many=len(rows) > 1)


def _send_held(connection: Connection) -> None:
    """Send the writes held in the run, joined (``db.joined_writes``)."""
    held: list[Held] | None = connection.info.pop(_HELD, None)
    if not held:
        return
    cursor = _writes_cursor(connection)
    for sql, parameters in statements(held):
        _execute(connection, cursor, sql, parameters, _MARKED_WRITE)


def send_ahead(
    connection: Connection, owner: object, params: Mapping[str, Any], sql: str, parameters: Any
) -> None:
    """Queue ``sql`` (``owner``'s statement for ``params``) in the connection's run without
    waiting for its answer, for ``answer_in_run`` to take (``PreparedSelect.send_ahead``)."""
    cursor = _cursor(connection)
    _execute(connection, cursor, sql, parameters, _JOINING)
    connection.info.setdefault(_AHEAD, {})[_ahead_key(owner, params)] = cursor


def answer_in_run(
    connection: Connection, owner: object, params: Mapping[str, Any], sql: str, parameters: Any
) -> tuple[Sequence[Any], Any] | None:
    """The rows of ``owner``'s statement for ``params`` (and the cursor's description of
    them): the answer of one sent ahead in this transaction, else, in a run, the statement
    queued after the run's writes and answered with them in one round trip, the run going on.
    None outside a run with nothing sent ahead: the caller runs it. A failed write before it
    is raised here."""
    info = connection.info
    ahead = info.get(_AHEAD)
    cursor = None if ahead is None else ahead.pop(_ahead_key(owner, params), None)
    if cursor is None:
        if _RUN not in info:
            return None
        cursor = _cursor(connection)
        _execute(connection, cursor, sql, parameters, _JOINING)
    with _as_sqlalchemy_error(sql, parameters):
        rows = await_(cursor.fetchall())
    return rows, cursor.description


def queue(
    connection: Connection, sql: str, parameters: Mapping[str, Any]
) -> Callable[[], list[Any]]:
    """Run ``sql`` (PostgreSQL text, ``%(name)s`` parameters) in the connection's transaction
    without waiting for its answer where a run is open or may start (``until_commit``): it
    goes out with what follows it. Gives a function for its rows, to be called once the run
    has ended (a later statement needing its answer, or the commit; psycopg keeps them).
    Elsewhere it runs now, on the DBAPI cursor: a commit listener may call it."""
    info = connection.info
    if _RUN not in info and _SCOPE in info and connection.engine in _ENGINES:
        _start_run(connection)
    if _RUN in info:
        cursor = _cursor(connection)
        _execute(connection, cursor, sql, parameters, _JOINING)

        def answer() -> list[Any]:
            with _as_sqlalchemy_error(sql, parameters):
                return list(await_(cursor.fetchall()))

        return answer
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    plain = dbapi.cursor()
    try:
        with _as_sqlalchemy_error(sql, parameters):
            plain.execute(sql, parameters)
            rows = list(plain.fetchall()) if plain.description else []
    finally:
        plain.close()
    return lambda: rows


def _ahead_key(owner: object, params: Mapping[str, Any]) -> tuple[Any, ...]:
    return (id(owner), *sorted(params.items()))


class _OnTheCursor:
    """What listeners get for the execution context of a statement run here straight on the
    cursor: its execution options (the mark), as a context of SQLAlchemy's would give them."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.execution_options = options


_MARKED_WRITE = _OnTheCursor(NO_ANSWER)  # sent by ``send``
_JOINING = _OnTheCursor(_JOINS)  # joining a run (``answer_in_run``, ``send_ahead``)


def _send(
    connection: Connection, compiled: CompiledSQL, rows: Sequence[Row], *, many: bool
) -> None:
    parameters = [compiled.parameters(row) for row in rows]
    cursor = _writes_cursor(connection)
    _execute(
        connection,
        cursor,
        compiled.sql,
        parameters if many else parameters[0],
        _MARKED_WRITE,
        many=many,
    )


def _execute(
    connection: Connection,
    cursor: Any,
    sql: str,
    parameters: Any,
    context: "_OnTheCursor",
    *,
    many: bool = False,
) -> None:
    """Run ``sql`` on psycopg's ``cursor`` in the run, listeners told as for any statement
    (the NUL-character check, query capture); the writes held go first."""
    if _HELD in connection.info:
        _send_held(connection)
    if connection.dispatch.before_cursor_execute:
        connection.dispatch.before_cursor_execute(
            connection, cursor, sql, parameters, context, many
        )
    native, names = numbered(sql)
    with _as_sqlalchemy_error(sql, parameters):
        if many:
            await_(cursor.executemany(native, [values(names, row) for row in parameters]))
        else:
            await_(cursor.execute(native, values(names, parameters)))


def _writes_cursor(connection: Connection) -> psycopg.AsyncRawCursor[Any]:
    """The run's cursor for marked writes, made on its first."""
    cursor = connection.info.get(_CURSOR)
    if cursor is None:
        cursor = connection.info[_CURSOR] = _cursor(connection)
    return cursor


def _cursor(connection: Connection) -> psycopg.AsyncRawCursor[Any]:
    """A cursor on the driver's connection taking ``$n`` placeholders (``db.numbered_sql``)."""
    return psycopg.AsyncRawCursor(connection.connection.driver_connection)  # type: ignore[arg-type]


# By statement (held here, so that its id stays its own), dialect and the rows' keys.
_COMPILED: dict[tuple[int, type[Dialect], tuple[str, ...]], tuple[Executable, CompiledSQL | None]]
_COMPILED = {}


def _compiled(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> CompiledSQL | None:
    key = (id(statement), type(dialect), keys)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = (statement, _compile(statement, dialect, keys))
    return found[1]


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> CompiledSQL | None:
    """The statement's SQL for rows with ``keys`` and how to bind them; None where SQLAlchemy
    must execute it itself: values it computes (Python-side defaults), IN-lists, escaped or
    positional parameters, a value missing (SQLAlchemy raises its own error), ORM statements,
    statements not marked ``NO_ANSWER``."""
    if statement._propagate_attrs.get("compile_state_plugin") == "orm":
        return None
    if not statement.get_execution_options().get(NEEDS_NO_ANSWER):
        return None  # not marked: it ends the run like any statement, through the session
    compiled, found = compile_sql(statement, dialect, keys)
    if (
        compiled.positional
        or compiled.escaped_bind_names
        or compiled.insert_prefetch
        or compiled.update_prefetch
        or any(bind.expanding for bind in compiled.binds.values())
        or found.lacks(keys)
    ):
        return None
    return found
