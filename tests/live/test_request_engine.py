"""The request engine under concurrency, through a real uvicorn: writers queue without stalling
the process, a key in flight answers 409, an unreachable database answers 503 and comes back.

Each test starts its own server on 127.0.0.1 (tests.live_server) on the run's database kind.
"""

import sqlite3
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from bench.latency_proxy import running_proxy
from sqlalchemy import make_url, select
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.auth.caller import Caller
from mascustomers.billing.cycles import Cycle
from mascustomers.db.engine import make_engine
from mascustomers.kit.clock import local_date
from mascustomers.models import IdempotentRequest, Sell
from mascustomers.signups import service as signups_service
from mascustomers.signups.schemas import SignupCreate
from tests.bodies import mobile_signup, owner
from tests.databases import fresh_database_url, on_postgres
from tests.live.health_probe import HealthProbe
from tests.live_server import LiveServer, free_port, live_server, seed, start

# The 20 writes on one line: bonuses added and removed (0065 "already present" and 404/400
# refusals are part of the game), with the test catalogue's bonuses of the mobile tariff.
ONE_LINE_WRITES = [
    ("PUT", "/bonuses", {"bonusId": bonus}) for bonus in (10, 11, 12, 10, 11, 12, 10, 11)
] + [("DELETE", f"/bonuses/{bonus}", None) for bonus in (10, 11, 12, 10)] * 3
LINES = 21
STORM_WORKERS = [4] if on_postgres() else [1, 2]


def _last_month(org_timezone: str) -> tuple[datetime, Cycle]:
    cycle = Cycle.of(local_date(datetime.now(ZoneInfo(org_timezone)), org_timezone)).previous()
    return datetime.combine(cycle.start, day_time(10), tzinfo=ZoneInfo(org_timezone)), cycle


def _sign_up_last_month(database_url: str) -> None:
    """Mobile lines signed up (through the signup service) on the first day of last month, so
    that month can be billed during the storm."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        org = auth_repository.get_org_by_slug(session, "telco")
        assert org is not None
        at, _ = _last_month(org.timezone)
        caller = Caller(org_id=org.id, org_slug=org.slug, actor="seed", now=at, today=at.date())
        for i in range(LINES):
            body = SignupCreate.model_validate(mobile_signup(person=owner(40_000_000 + i)))
            signups_service.create_signup(session, caller=caller, body=body)
        session.commit()
    engine.dispose()


def _documented(document: dict[str, Any], method: str, path: str) -> set[int]:
    responses = document["paths"][path][method.lower()]["responses"]
    return {int(status) for status in responses if status.isdigit()}


@pytest.mark.alone
@pytest.mark.parametrize("workers", STORM_WORKERS)
def test_a_storm_of_writes_never_stalls_the_process(
    tmp_path: Path, worker_id: str, workers: int
) -> None:
    """20 writes on one line, 20 on 20 other lines and a billing run at once, while the
    liveness probe is polled: no 5xx, every write answered as documented within 2 s, and the
    probe's p99 under 50 ms (before, two overlapping writes froze the process for 30 s)."""
    name = f"live_storm_{workers}_{worker_id}"
    with live_server(tmp_path, name, workers=workers, prepare=_sign_up_last_month) as server:
        with server.client() as client:
            document = client.get("/v2/openapi.json").json()
            tree = client.get("/v2/orgs/telco/ops/risk-holds")  # warm every worker a little
            assert tree.status_code == 200, tree.text
        lines = _lines(server)
        _, cycle = _last_month("Europe/Madrid")
        requests: list[tuple[str, str, dict[str, Any] | None, str]] = []
        line = f"/v2/orgs/telco/subscriptions/{lines[0]}"
        template = "/v2/orgs/{orgId}/subscriptions/{subscriptionId}"
        for method, tail, body in ONE_LINE_WRITES:
            documented_path = template + ("/bonuses" if method == "PUT" else "/bonuses/{bonusId}")
            requests.append((method, line + tail, body, documented_path))
        for other in lines[1:]:
            requests.append(
                (
                    "PUT",
                    f"/v2/orgs/telco/subscriptions/{other}/bonuses",
                    {"bonusId": 11},
                    template + "/bonuses",
                )
            )
        requests.append(
            (
                "POST",
                "/v2/orgs/telco/ops/billing/run",
                {"cycle": str(cycle)},
                "/v2/orgs/{orgId}/ops/billing/run",
            )
        )

        # One connected client per request, made before the storm: building them during it
        # would time the test's own work.
        clients = [server.client() for _ in requests]
        for client in clients:
            assert client.get("/health/live").status_code == 200
        start = threading.Barrier(len(requests))

        def send(
            request: tuple[str, str, dict[str, Any] | None, str], client: httpx.Client
        ) -> tuple[int, float]:
            method, path, body, _ = request
            start.wait()
            started = time.perf_counter()
            response = client.request(method, path, json=body)
            return response.status_code, time.perf_counter() - started

        with HealthProbe(server.url).running() as probe:
            with ThreadPoolExecutor(max_workers=len(requests)) as pool:
                answers = list(pool.map(send, requests, clients))
            time.sleep(0.3)
        for client in clients:
            client.close()

        statuses = [status for status, _ in answers]
        assert all(status < 500 for status in statuses), statuses
        for (method, _, _, documented_path), (status, _) in zip(requests, answers, strict=True):
            assert status in _documented(document, method, documented_path), (method, status)
        assert statuses[-1] == 200  # the billing run
        assert sum(1 for s in statuses[len(ONE_LINE_WRITES) : -1] if s == 201) == LINES - 1
        slowest = max(elapsed for _, elapsed in answers)
        # The figures, for `pytest -s` (the closing note quotes them).
        print(
            f"\nstorm, {workers} worker(s): statuses {sorted(Counter(statuses).items())}, "
            f"slowest write {slowest * 1000:.0f} ms, health p50 "
            f"{statistics.median(probe.latencies) * 1000:.1f} ms p99 {probe.p99() * 1000:.1f} ms "
            f"over {len(probe.latencies)} probes"
        )
        assert slowest < 2.0, f"slowest write {slowest:.2f} s"
        assert probe.failures == []
        assert len(probe.latencies) > 20
        assert probe.p99() < 0.050, f"health p99 {probe.p99() * 1000:.1f} ms"


def _lines(server: LiveServer) -> list[int]:
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        from mascustomers.models import Subscription

        ids = list(session.scalars(select(Subscription.id).order_by(Subscription.id)))
    engine.dispose()
    assert len(ids) == LINES
    return ids


@contextmanager
def writes_held(database_url: str) -> Iterator[None]:
    """Another program holds the write lock the signups need: SQLite's, or on PostgreSQL the
    org's counters (a signup takes them last, after its key's lock)."""
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database
        assert path is not None
        outside = sqlite3.connect(path, isolation_level=None)
        outside.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            outside.execute("ROLLBACK")
            outside.close()
        return
    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as outside:
        outside.execute("LOCK TABLE org_sequence IN EXCLUSIVE MODE")
        yield
        outside.rollback()


def test_a_key_in_flight_answers_409(tmp_path: Path, worker_id: str) -> None:
    """While the first request with a key waits for the database, the same request answers
    409 0012 (the same worker) and runs once; afterwards it gets the stored answer."""
    with live_server(tmp_path, f"live_inflight_{worker_id}") as server:
        body = mobile_signup(person=owner(60_000_001))
        headers = {"Idempotency-Key": "in-flight-1"}
        first: dict[str, httpx.Response] = {}

        def send_first() -> None:
            with server.client() as client:
                first["answer"] = client.post("/v2/orgs/telco/signups", json=body, headers=headers)

        with writes_held(server.database_url):
            sender = threading.Thread(target=send_first)
            sender.start()
            time.sleep(0.5)  # the first request is in, waiting for the lock
            with server.client() as client:
                duplicates = [
                    client.post("/v2/orgs/telco/signups", json=body, headers=headers)
                    for _ in range(3)
                ]
            assert sender.is_alive()
        sender.join(timeout=30)
        assert [(d.status_code, d.json()["code"]) for d in duplicates] == [(409, "0012")] * 3
        assert first["answer"].status_code == 200, first["answer"].text
        with server.client() as client:
            replay = client.post("/v2/orgs/telco/signups", json=body, headers=headers)
        assert replay.status_code == 200
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.json() == first["answer"].json()
        engine = make_engine(server.database_url)
        with Session(engine) as session:
            assert len(session.scalars(select(Sell)).all()) == 1
            assert len(session.scalars(select(IdempotentRequest)).all()) == 1
        engine.dispose()


def _outage_env() -> dict[str, str]:
    return {
        "MASCUSTOMERS_SQLITE_BUSY_TIMEOUT_MS": "1500",
        "MASCUSTOMERS_DATABASE_POOL_TIMEOUT_SECONDS": "2",
        "MASCUSTOMERS_DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
        "MASCUSTOMERS_RETRY_AFTER_SECONDS": "3",
    }


def _signup(client: httpx.Client, n: int) -> httpx.Response:
    return client.post("/v2/orgs/telco/signups", json=mobile_signup(person=owner(61_000_000 + n)))


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "0120"
    assert response.headers["retry-after"] == "3"


def _during(seconds: float, request: Callable[[], httpx.Response]) -> list[tuple[int, float]]:
    answers = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = request()
        answers.append((response.status_code, time.perf_counter() - started))
        if response.status_code == 503:
            _assert_unavailable(response)
    return answers


@pytest.mark.skipif(not on_postgres(), reason="the PostgreSQL outage (SQLite: the next test)")
def test_postgres_outage_answers_503_and_recovers(tmp_path: Path, worker_id: str) -> None:
    """The database goes away under a running server (the proxy between them stops: refused
    connections, cut sessions — what a stopped or unreachable PostgreSQL looks like): requests
    answer 503 0120 with Retry-After within the pool timeout, readiness says 503, and 2xx come
    back by themselves when it returns, without a restart."""
    database_url = fresh_database_url(f"live_outage_{worker_id}", tmp_path)
    key = seed(database_url)
    direct = make_url(database_url)
    proxy_port = free_port()
    through_proxy = direct.set(host="127.0.0.1", port=proxy_port)
    port = free_port()
    upstream = (direct.host or "127.0.0.1", direct.port or 5432)
    with running_proxy(upstream, 0, port=proxy_port) as proxy:
        process = start(
            through_proxy.render_as_string(hide_password=False),
            port,
            workers=2,
            env=_outage_env(),
        )
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"x-api-key": key}, timeout=30
        )
        try:
            assert _signup(client, 0).status_code == 200
            proxy.stop()
            down = _during(3, lambda: _signup(client, 1))
            reads = _during(1, lambda: client.get("/v2/orgs/telco/ops/risk-holds"))
            assert {status for status, _ in down + reads} == {503}
            assert max(elapsed for _, elapsed in down + reads) < 2.5
            assert client.get("/health/ready").status_code == 503
            with running_proxy(upstream, 0, port=proxy_port):
                returned = time.perf_counter()
                back = _recovered(client)
                assert back.status_code == 200, back.text
                print(
                    f"\nPostgreSQL outage: {len(down + reads)} requests, all 503, slowest "
                    f"{max(elapsed for _, elapsed in down + reads) * 1000:.0f} ms; first 2xx "
                    f"{(time.perf_counter() - returned) * 1000:.0f} ms after it came back"
                )
                assert _signup(client, 3).status_code == 200
                metrics = client.get("/metrics").text
                assert "database_unavailable_total" in metrics
        finally:
            client.close()
            process.terminate()
            process.wait(timeout=15)


def _recovered(client: httpx.Client) -> httpx.Response:
    deadline = time.monotonic() + 15
    while True:
        response = _signup(client, 2)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


@pytest.mark.skipif(on_postgres(), reason="the SQLite outage (PostgreSQL: the test above)")
def test_sqlite_locked_by_another_program_answers_503_and_recovers(
    tmp_path: Path, worker_id: str
) -> None:
    """Another program holds SQLite's write lock (a backup, an admin's sqlite3 shell): writes
    answer 503 0120 with Retry-After once SQLITE_BUSY_TIMEOUT_MS is over — never a hang or a
    500 —, reads keep answering (WAL), and writes succeed again when it lets go.

    (As root, file permissions cannot make the file unreadable, and in WAL mode no other
    program can lock readers out while the service has the database open.)"""
    with (
        live_server(tmp_path, f"live_locked_{worker_id}", env=_outage_env(), workers=2) as server,
        server.client() as client,
    ):
        assert _signup(client, 0).status_code == 200
        with writes_held(server.database_url):
            down = _during(3, lambda: _signup(client, 1))
            read = client.get("/v2/orgs/telco/signups/master-data")
            assert read.status_code == 200
        assert {status for status, _ in down} == {503}
        assert max(elapsed for _, elapsed in down) < 2.5
        assert _signup(client, 3).status_code == 200
        print(
            f"\nSQLite write lock held outside: {len(down)} writes, all 503, slowest "
            f"{max(elapsed for _, elapsed in down) * 1000:.0f} ms; the next write after it: 200"
        )
        assert "database_unavailable_total" in client.get("/metrics").text
