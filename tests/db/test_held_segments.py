"""The statements of a run held back in the kernel (``db.pipelining``, TCP_CORK): on PostgreSQL
over TCP they reach the server in a segment or two for the round trip, not one a statement,
and nothing stays held once the answer is awaited or the transaction is over. Counted by
the kernel for the connection's socket (tcp_info)."""

import asyncio
import socket
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.db.database import Database, run_sync
from mascustomers.db.held_sends import HoldingConnection
from mascustomers.db.pipelining import until_commit
from mascustomers.settings import Settings
from tests.db.probe_table import WRITE

T = TypeVar("T")
_WRITES = 24


@pytest.fixture
def on_postgres(engine: Engine, probe: None) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no socket to hold")
    if not hasattr(socket, "TCP_CORK"):
        pytest.skip("the kernel has no cork (Linux's)")


def _on_request_engine(settings: Settings, work: Callable[[Session], T]) -> T:
    async def request() -> T:
        database = Database(settings)
        try:
            with database.sessionmaker() as session:
                return await run_sync(work, session)
        finally:
            await database.dispose()

    return asyncio.run(request())


def _socket(session: Session) -> int:
    return session.connection().connection.driver_connection.pgconn.socket  # type: ignore[union-attr,no-any-return]


def _tcp_option(fileno: int, option: int, size: int = 0) -> Any:
    """``getsockopt`` of this TCP option on the connection's socket (libpq's: not closed)."""
    on = socket.socket(fileno=fileno)
    try:
        return (
            on.getsockopt(socket.IPPROTO_TCP, option, size)
            if size
            else on.getsockopt(socket.IPPROTO_TCP, option)
        )
    finally:
        on.detach()


def _held(fileno: int) -> int:
    """TCP_CORK on this socket now."""
    return int(_tcp_option(fileno, socket.TCP_CORK))


def _segments_sent(fileno: int) -> int:
    """The segments with data this socket has sent: tcpi_data_segs_out of Linux's tcp_info."""
    info = _tcp_option(fileno, socket.TCP_INFO, 256)
    return int.from_bytes(info[156:160], sys.byteorder)


def test_a_run_and_its_commit_reach_the_server_in_a_segment_or_two(
    settings: Settings, on_postgres: None
) -> None:
    def work(session: Session) -> tuple[int, int, int]:
        connection = _socket(session)  # connected: the segments counted are this transaction's
        before = _segments_sent(connection)
        until_commit(session)
        for id_ in range(_WRITES):
            session.execute(WRITE, {"id": id_, "note": f"write {id_}"})
        held_in_the_run = _held(connection)
        session.commit()
        return _segments_sent(connection) - before, held_in_the_run, _held(connection)

    segments, held_in_the_run, held_after = _on_request_engine(settings, work)
    # BEGIN's round trip (psycopg awaits its answer in the run), then the writes, COMMIT and
    # the Sync together; one more if the worker stalled past the kernel's 200 ms ceiling.
    assert segments <= 3, f"{segments} segments for {_WRITES} writes and a commit"
    assert (held_in_the_run, held_after) == (1, 0)


def test_nothing_stays_held_after_a_failed_write_is_rolled_back(
    settings: Settings, on_postgres: None
) -> None:
    def work(session: Session) -> tuple[int, int]:
        connection = _socket(session)
        until_commit(session)
        session.execute(WRITE, {"id": 1, "note": "first"})
        session.execute(WRITE, {"id": 1, "note": "same id"})
        held_in_the_run = _held(connection)
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        return held_in_the_run, _held(connection)

    assert _on_request_engine(settings, work) == (1, 0)


def test_nothing_is_held_while_an_answer_is_awaited(settings: Settings, on_postgres: None) -> None:
    """A held query awaited outside any run: were it held until the kernel's 200 ms ceiling,
    five would take a second."""
    url = make_url(settings.database_url).set(drivername="postgresql")

    async def five_held_queries() -> tuple[float, list[int], bool]:
        connection = await HoldingConnection.connect(url.render_as_string(False))
        try:
            connection.hold()
            started = time.perf_counter()
            answers = [
                (await (await connection.execute("SELECT %s", [n])).fetchone())[0] for n in range(5)
            ]  # type: ignore[index]
            return time.perf_counter() - started, answers, connection.is_held
        finally:
            await connection.close()

    took, answers, held_after = asyncio.run(five_held_queries())
    assert answers == [0, 1, 2, 3, 4]
    assert took < 0.5, f"five queries took {took:.3f} s"
    assert held_after  # held again once answered: still wanted
