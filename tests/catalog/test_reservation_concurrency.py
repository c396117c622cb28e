"""Concurrent reservations on a file database with committed data: no number handed out twice."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.catalog.errors import NumberNotAvailable
from mascustomers.db import migrate
from mascustomers.db.engine import begin_for_write, make_engine, make_sessionmaker
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import NumberStatus
from mascustomers.models import Msisdn
from tests.catalog.shipped import NOW, stock
from tests.databases import fresh_database_url
from tests.factories import make_org

THREADS = 8
PER_THREAD = 15


@pytest.fixture
def stocked(tmp_path: Path, worker_id: str) -> Iterator[tuple[Engine, int]]:
    url = fresh_database_url(f"reserve_{worker_id}", tmp_path)
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        org = make_org(session, slug="telco")
        stock(session, org, numbers=THREADS * PER_THREAD + 20, sims=0)
        session.commit()
        org_id = org.id
    yield engine, org_id
    engine.dispose()


def _reserve(sessions: sessionmaker[Session], org_id: int, msisdn: str | None) -> str | None:
    """One request's worth: its own session and transaction, committed."""
    session = sessions()
    try:
        begin_for_write(session)
        number = inventory_service.reserve_number(
            session, org_id=org_id, msisdn=msisdn, now=NOW, field="msisdn"
        )
        session.commit()
        return number
    except NumberNotAvailable:
        session.rollback()
        return None
    finally:
        session.close()


def test_every_number_is_handed_out_once(stocked: tuple[Engine, int]) -> None:
    engine, org_id = stocked
    sessions = make_sessionmaker(engine)

    def worker(_: int) -> list[str | None]:
        return [_reserve(sessions, org_id, None) for _ in range(PER_THREAD)]

    with ThreadPoolExecutor(THREADS) as pool:
        taken = [number for batch in pool.map(worker, range(THREADS)) for number in batch]
    assert None not in taken
    assert len(set(taken)) == len(taken) == THREADS * PER_THREAD
    with Session(engine) as session:
        reserved = session.scalars(
            select(Msisdn.msisdn).where(
                Msisdn.org_id == org_id, Msisdn.status == NumberStatus.RESERVED
            )
        ).all()
    assert set(reserved) == set(taken)


def test_one_number_asked_for_by_many_goes_to_one(stocked: tuple[Engine, int]) -> None:
    engine, org_id = stocked
    sessions = make_sessionmaker(engine)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _: _reserve(sessions, org_id, "600000007"), range(THREADS)))
    assert results.count("600000007") == 1
    assert results.count(None) == THREADS - 1
