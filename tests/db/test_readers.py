"""A reader's session (``db.readers``): on PostgreSQL its statements run outside a transaction
(no BEGIN, no COMMIT); on every database it refuses writes; ``begin_for_write`` makes it a
writer again, in a transaction."""

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, Integer, insert, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from mascustomers.db.database import run_sync
from mascustomers.db.engine import begin_for_write, make_engine, make_request_engine
from mascustomers.db.readers import as_reader
from mascustomers.settings import Settings
from tests.databases import fresh_database_url, on_postgres

T = TypeVar("T")


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "reader_rows"
    x: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


@pytest.fixture
def engine(tmp_path: Path, worker_id: str) -> Iterator[Engine]:
    url = fresh_database_url(f"readers_{worker_id}", tmp_path)
    plain = make_engine(url)
    _Base.metadata.create_all(plain)
    plain.dispose()
    request_engine, async_engine = make_request_engine(url, settings=Settings(database_url=url))
    yield request_engine
    if async_engine is not None:
        asyncio.run(async_engine.dispose())
    request_engine.dispose()


def _in_request(work: Callable[[], T]) -> T:
    """``work`` as a request runs it: in a greenlet, its waits awaits on an event loop."""

    async def request() -> T:
        return await run_sync(work)

    return asyncio.run(request())


def _reader(engine: Engine) -> Session:
    session = Session(engine)
    as_reader(session)
    return session


def _in_transaction(session: Session) -> bool:
    driver: Any = session.connection().connection.driver_connection
    if on_postgres():
        return str(driver.info.transaction_status.name) != "IDLE"
    return bool(driver.in_transaction)


def _rows(engine: Engine) -> list[int]:
    def read() -> list[int]:
        with Session(engine) as session:
            return list(session.scalars(select(_Row.x).order_by(_Row.x)))

    return _in_request(read)


def test_a_reader_reads_outside_a_transaction_on_postgres(engine: Engine) -> None:
    def read(session: Session) -> tuple[int, bool]:
        with session:
            value = int(session.execute(text("SELECT 1")).scalar_one())
            return value, _in_transaction(session)

    assert _in_request(lambda: read(_reader(engine))) == (1, not on_postgres())
    # a writer's session on the same pool is in a transaction, as before
    assert _in_request(lambda: read(Session(engine))) == (1, True)


def test_a_reader_refuses_writes(engine: Engine) -> None:
    def add_a_row() -> None:
        with _reader(engine) as session:
            session.add(_Row(x=1))
            session.commit()

    def insert_a_row() -> None:
        with _reader(engine) as session:
            session.execute(insert(_Row).values(x=2))
            session.commit()

    def change_a_row() -> None:
        with _reader(engine) as session:
            row = session.get(_Row, 3)
            assert row is not None
            row.x = 4
            session.commit()

    def write_on_its_connection() -> None:
        with _reader(engine) as session:
            session.connection().execute(insert(_Row.__table__).values(x=5))

    def seed() -> None:
        with Session(engine) as session:
            begin_for_write(session)
            session.add(_Row(x=3))
            session.commit()

    _in_request(seed)
    writes = [add_a_row, insert_a_row, change_a_row]
    if on_postgres():  # past the session, the connection itself refuses (it is in autocommit)
        writes.append(write_on_its_connection)
    for write in writes:
        with pytest.raises(RuntimeError, match="must be a writer"):
            _in_request(write)
    assert _rows(engine) == [3]


def test_a_reader_turned_writer_writes_in_a_transaction(engine: Engine) -> None:
    """The console's sign-in: read, end the read, then write what happened."""

    def read_then_write() -> bool:
        with _reader(engine) as session:
            session.scalars(select(_Row.x)).all()
            session.commit()
            begin_for_write(session)
            session.add(_Row(x=7))
            session.flush()
            inside = _in_transaction(session)
            session.rollback()  # a transaction: the row goes with it
            return inside

    assert _in_request(read_then_write) is True
    assert _rows(engine) == []
