"""A pooled PostgreSQL connection checked at checkout without a round trip.

SQLAlchemy's ``pool_pre_ping`` sends an empty query each time a connection leaves the pool:
a round trip per request (one of a signup's sixteen, each ~100 µs of the worker's CPU and a
wake-up of the server's backend). An idle connection is never spoken to by the server, so a
socket with something to read — the server's termination notice (a restart, an admin's
``pg_terminate_backend``, a crash), a proxy or peer that closed it (EOF), an error — means the
connection is gone: a ``poll`` with no timeout says so for a few µs. The pool then drops it and
opens another (``DisconnectionError``), as it does after a failed ping.

What neither check finds quickly is a peer that vanished without a word (a cut cable): the
ping would wait out its timeout too; the statement after this check fails instead, and the
request is answered as an outage (``db.availability``).
"""

import select
from typing import Any

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

_GONE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def check_connections_on_checkout(engine: Engine) -> None:
    """Drop pooled connections the server has closed, without asking it anything."""

    @event.listens_for(engine, "checkout")
    def _refuse_closed(_dbapi: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        if is_gone(record.driver_connection):
            raise DisconnectionError("the server closed this pooled connection")


def is_gone(connection: Any) -> bool:
    """Whether a psycopg connection (sync or async), idle, was closed or spoken to by the
    server."""
    if connection is None or connection.closed or connection.broken:
        return True
    try:
        socket = connection.pgconn.socket
    except psycopg.Error:  # the socket of a connection psycopg knows is lost
        return True
    poller = select.poll()
    poller.register(socket, _GONE)
    return bool(poller.poll(0))
