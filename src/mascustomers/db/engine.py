"""Engines and sessions built from settings; SQLite gets WAL, foreign keys and real BEGINs.

Two kinds of engine on the same database:
- ``make_engine``: plain synchronous connections, for code that may block its thread (CLI
  commands, the scheduler thread, migrations, tests).
- ``make_request_engine``: the engine of the request path, whose work runs inside a greenlet
  (``db.database.Database.run``). On PostgreSQL its connections are psycopg 3's async ones
  behind SQLAlchemy's synchronous facade, so every statement's wait is an await; on SQLite its
  connections never wait inside SQLite (``busy_timeout`` 0): the write lock is awaited through
  the write gate and ``BEGIN IMMEDIATE`` is retried with awaits, and checkpoints run on a
  thread (``db.checkpoints``), not at a request's commit.
"""

import asyncio
import datetime as dt
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_
from sqlalchemy.util.concurrency import in_greenlet

from mascustomers.db.held_sends import HoldingConnection
from mascustomers.db.liveness import check_connections_on_checkout
from mascustomers.db.pipelining import send_writes_together
from mascustomers.db.readers import as_writer, read_outside_transactions
from mascustomers.db.write_gate import Turn, WriteGate, gate_for
from mascustomers.errors import ValidationFailed
from mascustomers.settings import Settings

# Execution option asking SQLite for BEGIN IMMEDIATE: a writing request takes the write lock
# up front instead of failing with SQLITE_BUSY when it upgrades a stale read snapshot.
SQLITE_IMMEDIATE = "mascustomers_sqlite_immediate"
# Where a connection keeps its write-gate turn until it goes back to the pool.
_TURN = "mascustomers_write_turn"
# A turn begin_for_write took, on its way to the begin hook of the connection it opens.
_handoff = threading.local()
# The write gate of each SQLite engine, and how long its writers wait for a turn.
_GATES: "weakref.WeakKeyDictionary[Engine, tuple[WriteGate, float]]" = weakref.WeakKeyDictionary()


# Set while a request's database work can never wait: a SQLite reader (statements inline, WAL
# readers never blocked, no write gate). ``db.database.run_sync`` then runs its code directly,
# without a greenlet that would have nothing to turn into an await (14 % of a read's CPU,
# docs/performance.md).
_never_waits: ContextVar[bool] = ContextVar("mascustomers_never_waits", default=False)


@contextmanager
def never_waits(applies: bool) -> Iterator[None]:
    """Within the block (one request's task), database code runs inline."""
    token = _never_waits.set(applies)
    try:
        yield
    finally:
        _never_waits.reset(token)


def runs_inline() -> bool:
    return _never_waits.get()


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


# Value types that cannot hold text: skipped without an isinstance test.
_PLAIN = frozenset(
    {int, float, bool, type(None), Decimal, dt.date, dt.datetime, dt.time, bytes, uuid.UUID}
)


def _contains_nul(parameters: Any) -> bool:
    # Runs on every statement and every row of an executemany (a billing batch is thousands of
    # rows): the texts of all rows are joined and searched once, half the CPU of a test per value.
    rows: Iterable[Any]
    if isinstance(parameters, dict):
        rows = (parameters,)
    elif isinstance(parameters, list | tuple):
        rows = parameters
    else:
        return isinstance(parameters, str) and "\x00" in parameters
    texts: list[str] = []
    nested: list[Any] = []
    for row in rows:
        values = (
            row.values()
            if isinstance(row, dict)
            else row
            if isinstance(row, list | tuple)
            else (row,)
        )
        for value in values:
            kind = type(value)
            if kind is str:
                texts.append(value)
            elif kind in _PLAIN:
                continue
            elif isinstance(value, str):
                texts.append(value)
            elif isinstance(value, dict | list | tuple):
                nested.append(value)
    return "\x00" in "".join(texts) or any(_contains_nul(value) for value in nested)


def _refuse_nul_characters(engine: Engine) -> None:
    """PostgreSQL cannot store U+0000 in text; refuse it on every database alike (400)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _check(
        _conn: Connection,
        _cursor: Any,
        _statement: str,
        parameters: Any,
        _context: Any,
        _many: bool,
    ) -> None:
        if _contains_nul(parameters):
            raise ValidationFailed("a text value contains the NUL character (U+0000)")


def make_engine(url: str, *, settings: Settings | None = None, **kwargs: Any) -> Engine:
    """A synchronous engine for ``url`` with the project's per-dialect set-up."""
    settings = settings or Settings()
    if not is_sqlite(url):
        engine = create_engine(url, **{**_postgres_pool(settings, pre_ping=True), **kwargs})
        _refuse_nul_characters(engine)
        return engine
    return _sqlite_engine(url, settings, busy_timeout_ms=settings.sqlite_busy_timeout_ms, **kwargs)


def make_request_engine(url: str, *, settings: Settings) -> tuple[Engine, AsyncEngine | None]:
    """The request path's engine (see the module text) and, on PostgreSQL, the async engine
    that owns its connections (to be disposed of with ``await``)."""
    if not is_sqlite(url):
        # Connections are checked at checkout by their socket, not by a round trip.
        pool = _postgres_pool(settings, pre_ping=False)
        pool["connect_args"]["async_creator_fn"] = HoldingConnection.connect
        async_engine = create_async_engine(url, **pool)
        check_connections_on_checkout(async_engine.sync_engine)
        _refuse_nul_characters(async_engine.sync_engine)
        send_writes_together(async_engine.sync_engine)
        read_outside_transactions(async_engine.sync_engine)
        return async_engine.sync_engine, async_engine
    # Writers wait for their turn before they take a connection, so in-use connections stay
    # few; the pool may still grow rather than ever make the loop wait for a connection.
    pooled = make_url(url).database not in (None, "", ":memory:")
    engine = _sqlite_engine(
        url,
        settings,
        busy_timeout_ms=0,
        checkpoint_on_commit=False,
        **({"max_overflow": -1} if pooled else {}),
    )
    _share_the_loop(engine)
    return engine, None


# The longest a request's SQLite work runs on the event loop before it lets the loop serve
# others (see _share_the_loop).
LOOP_SLICE_SECONDS = 0.005
_loop_turn = threading.local()


def _slice_spent() -> bool:
    return time.perf_counter() - getattr(_loop_turn, "since", 0.0) >= LOOP_SLICE_SECONDS


async def share_the_loop() -> None:
    """At a request's start, before it holds a connection: let the loop run what is ready
    once its slice is spent (see ``_share_the_loop``)."""
    if _slice_spent():
        await asyncio.sleep(0)
        _loop_turn.since = time.perf_counter()


def _share_the_loop(engine: Engine) -> None:
    """SQLite work inside a request's greenlet never waits, so nothing would make it give the
    loop back: a burst of writes (each a few ms) then ran back to back in one loop iteration
    while a health probe waited behind all of them. Once the loop has run such work for
    ``LOOP_SLICE_SECONDS`` since it last let go, it lets go once (``sleep(0)``): the loop polls
    its sockets and runs what is ready, then this work goes on. That happens at a request's
    start (``share_the_loop``, called by the route before the request holds a connection) and
    before a writer's statements — a writer keeps its turn meanwhile, so other writers queue
    instead of starting. A reader is never suspended holding a connection: each one held would
    be a pooled connection more, opened and closed again (measured: the read mix at half its
    throughput). PostgreSQL needs none of this: every statement there is an await."""

    @event.listens_for(engine, "before_cursor_execute")
    def _maybe_yield(conn: Connection, *_: Any) -> None:
        if not _slice_spent() or _TURN not in conn.connection.info or not in_greenlet():
            return
        await_(asyncio.sleep(0))
        _loop_turn.since = time.perf_counter()


def _postgres_pool(settings: Settings, *, pre_ping: bool) -> dict[str, Any]:
    return {
        "pool_size": settings.database_pool_size,
        "max_overflow": settings.database_max_overflow,
        "pool_pre_ping": pre_ping,
        "pool_timeout": settings.database_pool_timeout_seconds,
        "connect_args": {"connect_timeout": settings.database_connect_timeout_seconds},
    }


def _sqlite_engine(
    url: str,
    settings: Settings,
    *,
    busy_timeout_ms: int,
    checkpoint_on_commit: bool = True,
    **kwargs: Any,
) -> Engine:
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", busy_timeout_ms / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    path = make_url(url).database
    gate = gate_for(path) if path and path != ":memory:" else None
    _configure_sqlite(
        engine,
        busy_timeout_ms=busy_timeout_ms,
        mmap_bytes=settings.sqlite_mmap_bytes,
        checkpoint_on_commit=checkpoint_on_commit,
    )
    _queue_writers(engine, gate, wait_seconds=settings.sqlite_busy_timeout_ms / 1000)
    _refuse_nul_characters(engine)
    return engine


def _configure_sqlite(
    engine: Engine, *, busy_timeout_ms: int, mmap_bytes: int, checkpoint_on_commit: bool
) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs; we emit
        # BEGIN ourselves in the "begin" hook.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
        if not checkpoint_on_commit:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()


def _queue_writers(engine: Engine, gate: WriteGate | None, *, wait_seconds: float) -> None:
    """BEGIN IMMEDIATE for writers (``begin_for_write`` took their gate turn first); the turn is
    let go when the connection goes back to the pool (a session returns it when its transaction
    ends)."""
    if gate is not None:
        _GATES[engine] = (gate, wait_seconds)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Straight to the driver: through exec_driver_sql this cost as much as a read.
        driver = conn.connection.driver_connection
        assert driver is not None
        if not conn.get_execution_options().get(SQLITE_IMMEDIATE, False):
            driver.execute("BEGIN")
            return
        deadline = time.monotonic() + wait_seconds
        info = conn.connection.info
        handed = getattr(_handoff, "turn", None)
        if handed is not None:
            _handoff.turn = None
            info[_TURN] = handed
        elif gate is not None and _TURN not in info:
            # A writer that did not come through begin_for_write still queues.
            info[_TURN] = _take_turn(gate, wait_seconds)
        _begin_immediate(driver, deadline)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        turn = record.info.pop(_TURN, None)
        if turn is not None:
            turn.release()


def _take_turn(gate: WriteGate, timeout: float) -> Turn:
    """As an await inside a request's greenlet, blocking in any other thread — never on the
    event loop's own thread, where the wait would stall every request."""
    if in_greenlet():
        return await_(gate.turn(timeout))
    if runs_inline():
        raise RuntimeError(
            "a reader began to write (its wait would stall the event loop): a route that writes "
            "must be a writer (a write method, or x-writes: db.dependencies)"
        )
    return gate.turn_blocking(timeout)


def _begin_immediate(driver: sqlite3.Connection, deadline: float) -> None:
    """BEGIN IMMEDIATE; while a program outside the service holds the lock, retry — as an
    await inside a request's greenlet (its connection has ``busy_timeout`` 0), in SQLite's
    busy handler elsewhere."""
    pause = 0.001
    while True:
        try:
            driver.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        if in_greenlet():
            await_(asyncio.sleep(pause))
        else:
            time.sleep(pause)
        pause = min(pause * 2, 0.05)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def begin_for_write(session: Session) -> None:
    """Open the session's transaction as a writer. SQLite: first a turn through the write
    gate, then a connection, then the write lock (BEGIN IMMEDIATE).

    The turn comes before the connection: writers waiting for their turn hold no pooled
    connection, so a queue of them cannot empty the pool (whose wait would block the loop).
    """
    if not session.in_transaction():
        as_writer(session)
    bind = session.get_bind()
    gated = _GATES.get(bind) if isinstance(bind, Engine) and not session.in_transaction() else None
    if gated is None:
        session.connection(execution_options={SQLITE_IMMEDIATE: True})
        return
    gate, wait_seconds = gated
    # Handed to the begin hook, which keeps it on the connection: from here to the hook the
    # code runs without a switch (the SQLite pool never waits), so a thread-local slot is safe.
    _handoff.turn = _take_turn(gate, wait_seconds)
    try:
        session.connection(execution_options={SQLITE_IMMEDIATE: True})
    finally:
        unused: Turn | None = getattr(_handoff, "turn", None)
        _handoff.turn = None
        if unused is not None:  # no BEGIN happened (no connection): nothing holds the turn
            unused.release()
