"""N clients at once against the real server: exactly one wins, the others get documented errors."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.db.engine import make_engine
from mascustomers.models import Customer, Msisdn, Subscription
from tests.bodies import mobile_line, mobile_signup, owner
from tests.live_server import live_server


def test_twenty_signups_for_one_msisdn(tmp_path: Path, worker_id: str) -> None:
    with live_server(tmp_path, f"live_msisdn_{worker_id}", workers=2) as server:
        bodies = [
            mobile_signup(person=owner(10_000_000 + i), line=mobile_line(msisdn="600000042"))
            for i in range(20)
        ]

        def post(body: dict[str, object]) -> httpx.Response:
            with server.client() as client:
                return client.post("/v2/orgs/telco/signups", json=body)

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(post, bodies))
        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(200) == 1, statuses
        assert statuses.count(400) == 19, statuses
        assert {r.json()["code"] for r in responses if r.status_code == 400} == {"0017"}
        engine = make_engine(server.database_url)
        with Session(engine) as session:
            holders = session.scalars(
                select(Subscription).where(Subscription.identification_nr == "600000042")
            ).all()
            assert len(holders) == 1
            number = session.scalars(select(Msisdn).where(Msisdn.msisdn == "600000042")).one()
            assert number.subscription_id == holders[0].id
            # The losers wrote nothing: one customer only.
            assert session.scalar(select(func.count()).select_from(Customer)) == 1
        engine.dispose()


def test_allocated_numbers_are_all_different(tmp_path: Path, worker_id: str) -> None:
    with live_server(tmp_path, f"live_alloc_{worker_id}", workers=2) as server:
        bodies = [mobile_signup(person=owner(20_000_000 + i)) for i in range(16)]

        def post(body: dict[str, object]) -> httpx.Response:
            with server.client() as client:
                return client.post("/v2/orgs/telco/signups", json=body)

        with ThreadPoolExecutor(max_workers=16) as pool:
            responses = list(pool.map(post, bodies))
        assert [r.status_code for r in responses] == [200] * 16, [
            r.text for r in responses if r.status_code != 200
        ]
        numbers = [r.json()["account_info"]["subscriptions"][0]["msisdn"] for r in responses]
        assert len(set(numbers)) == 16
