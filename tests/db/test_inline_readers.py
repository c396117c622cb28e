"""A SQLite reader's work runs inline, without a greenlet (``db.engine.never_waits``): a write
begun there must fail loudly, never wait for the write gate on the event loop's thread."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from mascustomers.db.database import run_sync
from mascustomers.db.engine import begin_for_write, make_request_engine, never_waits
from mascustomers.settings import Settings


def _engine(tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'inline.db'}"
    engine, _ = make_request_engine(url, settings=Settings(database_url=url))
    return engine


def test_a_reader_runs_inline_and_a_writer_in_a_greenlet(tmp_path: Path) -> None:
    engine = _engine(tmp_path)

    def read() -> int:
        with Session(engine) as session:
            return int(session.execute(text("SELECT 1")).scalar_one())

    def write() -> None:
        with Session(engine) as session:
            begin_for_write(session)
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.commit()

    async def requests() -> None:
        with never_waits(True):
            assert await run_sync(read) == 1
        await run_sync(write)  # the gate's wait is an await: needs the greenlet

    asyncio.run(requests())
    engine.dispose()


def test_a_write_begun_by_an_inline_reader_is_refused(tmp_path: Path) -> None:
    engine = _engine(tmp_path)

    def sneaky_write() -> None:
        with Session(engine) as session:
            begin_for_write(session)

    async def request() -> None:
        with never_waits(True):
            await run_sync(sneaky_write)

    with pytest.raises(RuntimeError, match="must be a writer"):
        asyncio.run(request())
    engine.dispose()
