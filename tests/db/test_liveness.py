"""Pooled PostgreSQL connections are checked at checkout by their socket (``db.liveness``): one
the server ended is dropped and replaced before a request uses it, and checking a live one asks
the server nothing (the round trip ``pool_pre_ping`` cost every request)."""

import asyncio
import time
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from mascustomers.db.database import Database, run_sync
from mascustomers.db.liveness import is_gone
from mascustomers.settings import Settings
from tests.databases import on_postgres

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="a server's pooled connections (SQLite has no server)"
)


def _psycopg_url(engine: Engine) -> str:
    return make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _ended_by_server(engine: Engine, pid: int) -> None:
    with engine.begin() as conn:
        assert conn.scalar(text("select pg_terminate_backend(:pid)"), {"pid": pid})


def _wait_until(condition: Any, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server's notice never reached the socket"
        time.sleep(0.02)


def test_an_idle_connection_is_gone_once_the_server_ends_or_it_is_closed(engine: Engine) -> None:
    live = psycopg.connect(_psycopg_url(engine), autocommit=True)
    ended = psycopg.connect(_psycopg_url(engine), autocommit=True)
    try:
        pid = ended.info.backend_pid
        assert not is_gone(live)
        assert not is_gone(ended)
        _ended_by_server(engine, pid)
        _wait_until(lambda: is_gone(ended))
        assert not is_gone(live)
        live.close()
        assert is_gone(live)
    finally:
        live.close()
        ended.close()


def test_a_pooled_connection_the_server_ended_is_replaced_without_a_ping(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[object] = []

    async def requests() -> tuple[int, int]:
        database = Database(settings)
        dialect = database.request_engine.dialect
        monkeypatch.setattr(dialect, "do_ping", pings.append)

        def backend_pid() -> int:
            with database.sessionmaker() as session:
                return int(session.scalar(text("select pg_backend_pid()")) or 0)

        try:
            first = await run_sync(backend_pid)
            _ended_by_server(engine, first)
            await asyncio.sleep(0.2)  # the server's notice and FIN reach the pooled socket
            # Without the check this request gets the dead connection and fails.
            second = await run_sync(backend_pid)
            return first, second
        finally:
            await database.dispose()

    first, second = asyncio.run(requests())
    assert first
    assert second != first
    assert pings == []
