"""N clients at once against the real server: exactly one wins, the others get documented errors."""

import statistics
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.db.engine import make_engine
from mascustomers.models import ComputedPenalty, Customer, Event, Msisdn, Subscription
from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner
from tests.live.health_probe import HealthProbe
from tests.live_server import LiveServer, live_server


def _signups_at_once(server: LiveServer, bodies: list[dict[str, object]]) -> list[httpx.Response]:
    """Each body POSTed to signups by a client of its own, all at once."""

    def post(body: dict[str, object]) -> httpx.Response:
        with server.client() as client:
            return client.post("/v2/orgs/telco/signups", json=body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_twenty_signups_for_one_msisdn(tmp_path: Path, worker_id: str) -> None:
    with live_server(tmp_path, f"live_msisdn_{worker_id}", workers=2) as server:
        bodies = [
            mobile_signup(person=owner(10_000_000 + i), line=mobile_line(msisdn="600000042"))
            for i in range(20)
        ]

        responses = _signups_at_once(server, bodies)
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

        responses = _signups_at_once(server, bodies)
        assert [r.status_code for r in responses] == [200] * 16, [
            r.text for r in responses if r.status_code != 200
        ]
        numbers = [r.json()["account_info"]["subscriptions"][0]["msisdn"] for r in responses]
        assert len(set(numbers)) == 16


def test_ten_confirmations_of_one_computed_penalty(tmp_path: Path, worker_id: str) -> None:
    with live_server(tmp_path, f"live_penalty_{worker_id}", workers=2) as server:
        body = convergent_signup(
            person=owner(50_000_001),
            devices=True,
            scoring={"scoring_value": 900, "credit_limit_available": "5000"},
        )
        with server.client() as client:
            signup = client.post("/v2/orgs/telco/signups", json=body)
            assert signup.status_code == 200, signup.text
            account_id = signup.json()["account_info"]["account_id"]
            computed = client.get(
                f"/v2/orgs/telco/penalties/{account_id}", params={"reason": "unsubscribe"}
            )
            assert computed.status_code == 200, computed.text
            penalty_id = computed.json()[0]["computed_penalty_id"]

        def confirm(_: int) -> httpx.Response:
            with server.client() as client:
                return client.put(f"/v2/orgs/telco/penalties/{penalty_id}")

        with ThreadPoolExecutor(max_workers=10) as pool:
            responses = list(pool.map(confirm, range(10)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [400] * 9, [r.text for r in responses]
        assert {r.json()["code"] for r in responses if r.status_code == 400} == {"0080"}
        engine = make_engine(server.database_url)
        with Session(engine) as session:
            penalty = session.get(ComputedPenalty, penalty_id)
            assert penalty is not None
            assert penalty.status == "CONFIRMED"
        engine.dispose()


@pytest.mark.alone
def test_concurrent_signups_number_everything_without_gaps(tmp_path: Path, worker_id: str) -> None:
    """The org's gap-free counters and its event stream under signups racing on 2 workers: on
    PostgreSQL an order's writes, claims and counters go out in one run, its reads ahead of
    them, its events (numbered in the same statement as their counter) with its COMMIT
    (db.pipelining); no number or event may be skipped, doubled or lost, and the liveness
    probe, polled meanwhile, stays fast."""
    with live_server(tmp_path, f"live_gaps_{worker_id}", workers=2) as server:
        bodies: list[dict[str, object]] = [
            mobile_signup(person=owner(30_000_000 + i))
            if i % 2
            else convergent_signup(
                person=owner(30_000_000 + i),
                lines=1,
                with_tv=False,
                scoring={"scoring_value": 900, "credit_limit_available": "5000"},
            )
            for i in range(16)
        ]

        with HealthProbe(server.url).running() as probe:
            responses = _signups_at_once(server, bodies)
        assert [r.status_code for r in responses] == [200] * 16, [r.text for r in responses]
        assert probe.failures == []
        print(
            f"\nsignups at once: health p50 {statistics.median(probe.latencies) * 1000:.1f} ms "
            f"p99 {probe.p99() * 1000:.1f} ms over {len(probe.latencies)} probes"
        )
        # A loop kept waiting by a signup would show as hundreds of ms. Measured 17-48 ms
        # (about 200 probes, so p99 is the second slowest; 2 cores shared with the 16
        # clients' threads, 2 workers and PostgreSQL).
        assert probe.p99() < 0.100, f"health p99 {probe.p99() * 1000:.1f} ms"
        answers = [r.json() for r in responses]
        accounts = sorted(a["account_info"]["account_number"] for a in answers)
        assert accounts == [f"MM-{5_000_000 + n:07d}" for n in range(1, 17)]
        orders = sorted(a["work_order_id"] for a in answers)
        assert orders == [f"OT{n:010d}" for n in range(1, 17)]
        engine = make_engine(server.database_url)
        with Session(engine) as session:
            events = session.execute(select(Event.position, Event.type, Event.data)).all()
        engine.dispose()
        assert sorted(position for position, _, _ in events) == list(range(1, len(events) + 1))
        sells = {
            data["object"]["sell_id"] for _, type_, data in events if type_ == "signup.accepted"
        }
        assert sells == {a["sell_id"] for a in answers}
