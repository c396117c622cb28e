"""Two SIM replacements of one line at once: exactly one applies, the other writes nothing.

These run against a database of their own with committed data (not the rolled-back test
transaction): a SQLite file, or a PostgreSQL database when the run uses one.
"""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mascustomers.api.app import create_app
from mascustomers.auth.caller import Caller
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine, make_sessionmaker
from mascustomers.errors import DomainError
from mascustomers.inventory.states import SimStatus
from mascustomers.models import Sell, SimCard, Subscription, WorkOrder
from mascustomers.settings import Settings
from mascustomers.subscriptions import sim_replacement
from mascustomers.subscriptions.schemas import SimReplacement
from tests.bodies import mobile_line, mobile_signup
from tests.catalogue_fixture import load_test_catalogue, sim_iccid
from tests.databases import fresh_database_url
from tests.factories import make_key, make_org


@dataclass
class Committed:
    app: FastAPI
    engine: Engine
    key: str
    org_id: int
    subscription_id: int


@pytest.fixture
def committed(tmp_path: Path, worker_id: str) -> Iterator[Committed]:
    url = fresh_database_url(f"sim_race_{worker_id}", tmp_path)
    migrate.upgrade(url)
    settings = Settings(database_url=url, log_json=True, log_level="WARNING")
    engine = make_engine(url, settings=settings)
    with Session(engine) as session:
        org = make_org(session, slug="telco")
        key = make_key(session, org_slug="telco")
        load_test_catalogue(session, org)
        session.commit()
        org_id = org.id
    app = create_app(settings, engine=engine)
    body = mobile_signup(line=mobile_line(iccid=sim_iccid(1)))
    response = TestClient(app).post("/v2/orgs/telco/signups", json=body, headers={"x-api-key": key})
    assert response.status_code == 200, response.text
    line = response.json()["account_info"]["subscriptions"][0]["subscription_id"]
    yield Committed(app, engine, key, org_id, line)
    engine.dispose()


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def state(engine: Engine, subscription_id: int) -> dict[str, Any]:
    with Session(engine) as session:
        line = session.get(Subscription, subscription_id)
        assert line is not None
        sims = {
            sim.iccid: (sim.status_id, sim.subscription_id)
            for sim in session.scalars(
                select(SimCard).where(
                    SimCard.iccid.in_([sim_iccid(1), sim_iccid(10), sim_iccid(11)])
                )
            )
        }
        sells = session.scalar(
            select(func.count()).select_from(Sell).where(Sell.kind == "SIM_REPLACEMENT")
        )
        orders = session.scalar(
            select(func.count()).select_from(WorkOrder).where(WorkOrder.type_id == 5)
        )
        return {"iccid": line.iccid, "sims": sims, "sells": sells, "orders": orders}


def test_same_new_sim_over_http(committed: Committed) -> None:
    """Two channels replace the line's SIM with the same new card: one 201, one 400."""
    url = f"/v2/orgs/telco/subscriptions/{committed.subscription_id}/sim-replacement"
    payload = {"dealer_id": "D001", "shop_id": "S001", "logistic": False, "new_icc": sim_iccid(10)}

    def call() -> int:
        client = TestClient(committed.app)
        return client.patch(url, json=payload, headers={"x-api-key": committed.key}).status_code

    assert sorted(at_once(call, call)) == [201, 400]
    after = state(committed.engine, committed.subscription_id)
    assert after["iccid"] == sim_iccid(10)
    assert after["sims"][sim_iccid(10)] == (SimStatus.ACTIVA, committed.subscription_id)
    assert after["sims"][sim_iccid(1)] == (SimStatus.SUSTITUIDA, None)
    assert (after["sells"], after["orders"]) == (1, 1)


def test_different_sims_from_the_same_state(committed: Committed) -> None:
    """Both requests read the line, then replace it with different cards: exactly one wins.

    That is the race of two requests on PostgreSQL; on SQLite the loser's stale snapshot makes
    its first write fail, on PostgreSQL the guarded UPDATE of the line's ``iccid`` does.
    """
    sessionmaker = make_sessionmaker(committed.engine)
    loaded = threading.Barrier(2)

    def attempt(sim: int) -> bool:
        with sessionmaker() as session:
            assert session.get(Subscription, committed.subscription_id) is not None
            loaded.wait()
            now = datetime.now(UTC)
            caller = Caller(
                committed.org_id, "telco", f"channel-{sim}", now, now.date(), "10.0.0.1"
            )
            body = SimReplacement(
                dealer_id="D001", shop_id="S001", logistic=False, new_icc=sim_iccid(sim)
            )
            try:
                sim_replacement.replace_sim(
                    session, caller=caller, subscription_id=committed.subscription_id, body=body
                )
                session.commit()
            except (DomainError, DBAPIError):
                session.rollback()
                return False
            return True

    results = at_once(lambda: attempt(10), lambda: attempt(11))
    assert sorted(results) == [False, True]
    winner = sim_iccid(10) if results[0] else sim_iccid(11)
    loser = sim_iccid(11) if results[0] else sim_iccid(10)
    after = state(committed.engine, committed.subscription_id)
    assert after["iccid"] == winner
    assert after["sims"][winner] == (SimStatus.ACTIVA, committed.subscription_id)
    assert after["sims"][loser] == (SimStatus.DISPONIBLE, None)
    assert after["sims"][sim_iccid(1)] == (SimStatus.SUSTITUIDA, None)
    assert (after["sells"], after["orders"]) == (1, 1)
