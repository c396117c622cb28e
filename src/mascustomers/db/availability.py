"""Telling an unreachable database from a bug, and logging an outage once.

An unreachable database is not a fault of the request: the API answers 503 ``0120`` with
``Retry-After`` and counts it; the log says when the outage began and when it ended, not a
traceback per request.

Unreachable means: PostgreSQL refused or dropped the connection, or no pooled connection came
within the pool timeout; SQLite could not open or read its file, or a program outside the
service held its lock past the wait (``SQLITE_BUSY``), or the write gate gave no turn in time.
"""

import logging
import sqlite3
import threading
import time

from sqlalchemy import exc

from mascustomers.db.write_gate import WriteGateTimeout

log = logging.getLogger("mascustomers.database")

_SQLITE_UNAVAILABLE = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_PERM,
    }
)
# SQLSTATE classes of a lost or refused connection (08), an operator's shutdown (57P01-57P03).
_POSTGRES_UNAVAILABLE_PREFIXES = ("08", "57P")


# What the error handlers are installed for: SQLAlchemy's wrapped driver errors, and the
# driver's own where our code talks to it directly (BEGIN IMMEDIATE on SQLite).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    exc.DBAPIError,
    exc.TimeoutError,
    WriteGateTimeout,
    sqlite3.Error,
)


def is_unavailable(error: BaseException) -> bool:
    if isinstance(error, WriteGateTimeout | exc.TimeoutError):
        return True
    if isinstance(error, sqlite3.Error):
        return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_UNAVAILABLE
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if isinstance(original, sqlite3.Error):
        return (getattr(original, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_UNAVAILABLE
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is None:
        # psycopg raises OperationalError without a SQLSTATE when it cannot connect at all.
        return isinstance(error, exc.OperationalError)
    return str(sqlstate).startswith(_POSTGRES_UNAVAILABLE_PREFIXES)


class Outage:
    """Whether the database is currently failing us, for one line at each end of an outage."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None
        self.refused = 0

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self.refused += 1
            if self.since is not None:
                return
            self.since = time.monotonic()
        log.error("database unavailable: %s: %s", type(error).__name__, _first_line(error))

    def succeeded(self) -> None:
        if self.since is None:  # the common case, without the lock
            return
        with self._lock:
            if self.since is None:
                return
            lasted, refused = time.monotonic() - self.since, self.refused
            self.since, self.refused = None, 0
        log.warning(
            "database available again after %.1f s (%d requests answered 503)", lasted, refused
        )


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.strip().splitlines()[0][:200] if text.strip() else ""
