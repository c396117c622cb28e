"""Engines and sessions built from settings; SQLite gets WAL, foreign keys and real BEGINs."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.errors import ValidationFailed
from mascustomers.settings import Settings

# Execution option asking SQLite for BEGIN IMMEDIATE: a writing request takes the write lock
# up front instead of failing with SQLITE_BUSY when it upgrades a stale read snapshot.
SQLITE_IMMEDIATE = "mascustomers_sqlite_immediate"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _contains_nul(parameters: Any) -> bool:
    # Runs on every statement: a plain loop, recursing only into containers.
    if isinstance(parameters, str):
        return "\x00" in parameters
    values: Iterable[Any]
    if isinstance(parameters, dict):
        values = parameters.values()
    elif isinstance(parameters, list | tuple):
        values = parameters
    else:
        return False
    for value in values:
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict | list | tuple) and _contains_nul(value):
            return True
    return False


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
    """An engine for ``url`` with the project's per-dialect set-up."""
    settings = settings or Settings()
    if not is_sqlite(url):
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)
        _refuse_nul_characters(engine)
        return engine
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", settings.sqlite_busy_timeout_ms / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _configure_sqlite(engine, settings.sqlite_busy_timeout_ms, settings.sqlite_mmap_bytes)
    _refuse_nul_characters(engine)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, mmap_bytes: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs; we emit
        # BEGIN ourselves in the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(SQLITE_IMMEDIATE, False)
        # Straight to the driver: through exec_driver_sql this cost as much as a read.
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def begin_for_write(session: Session) -> None:
    """Open the session's transaction as a writer (SQLite: take the write lock now)."""
    session.connection(execution_options={SQLITE_IMMEDIATE: True})
