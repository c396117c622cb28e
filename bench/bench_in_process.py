"""CPU cost of the hot paths measured in-process, without a server or a load generator.

    .venv/bin/python bench/bench_in_process.py [--customers 20000] [--requests 2000]
        [--signups 200] [--database-url postgresql+psycopg://…] [--only reads|signups]
        [--body convergent|mobile]

On a shared machine wrk and the signup client measure the neighbours too; this measures
what one request costs the process:

- reads: µs of CPU time per request of the read mix (users tree by number, account,
  subscription, products with compatibilities, bonuses) through the whole ASGI app
  (middleware, routing, authentication, session, handler, response), on a database with
  ``--customers`` generated customers (built once in ``var/``);
- signups: ms of CPU time per signup (``--body``: convergent — fibre, landline, 2 mobile lines,
  financed device — or one mobile line),
  through the ASGI app (``POST …/signups``) and ``signups.service.create_signup`` called
  directly in a session (its transaction committed after the timing).

CPU time of the process, not wall time: other programs on the machine slow it less. Each
figure is the best of 5 rounds (on a shared machine, the least disturbed one). Compare
two trees in the same run, alternating them:
``PYTHONPATH=<other tree>/src .venv/bin/python <other tree>/bench/bench_in_process.py``.
Never part of CI.
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bodies import convergent_signup, mobile_signup, owner  # noqa: E402
from tests.databases import fresh_database_url  # noqa: E402
from tests.live_server import seed  # noqa: E402

from mascustomers.api.app import create_app  # noqa: E402
from mascustomers.auth import service as auth_service  # noqa: E402
from mascustomers.auth.permissions import Permission  # noqa: E402
from mascustomers.db import migrate  # noqa: E402
from mascustomers.db.engine import begin_for_write, make_engine, make_sessionmaker  # noqa: E402
from mascustomers.models import Subscription  # noqa: E402
from mascustomers.settings import Settings  # noqa: E402

ROUNDS = 5


class Asgi:
    """Requests straight into the app: no sockets, no event-loop hops between them."""

    def __init__(self, app: Any, key: str) -> None:
        self.app, self.key = app, key

    async def call(self, method: str, target: str, body: bytes = b"") -> int:
        path, _, query = target.partition("?")
        headers = [(b"x-api-key", self.key.encode()), (b"host", b"bench")]
        if body:
            headers += [(b"content-type", b"application/json")]
            headers += [(b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("bench", 80),
            "state": {},
        }
        status = 0
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, send)
        return status


def _reads_database(url: str | None, customers: int) -> tuple[str, str, list[str]]:
    from mascustomers.catalog import loader
    from mascustomers.catalog.file_format import load_shipped_catalogue
    from mascustomers.demo.population import populate

    url = url or f"sqlite:///{ROOT / 'var' / f'bench_in_process_{customers}.db'}"
    (ROOT / "var").mkdir(exist_ok=True)
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        from mascustomers.auth import repository as auth_repository

        org = auth_repository.get_org_by_slug(session, "telco")
        if org is None:
            org = auth_service.create_org(session, slug="telco", name="Telco", is_sandbox=False)
            now = datetime.now(UTC)
            loader.load_catalogue(
                session, org_id=org.id, document=load_shipped_catalogue(), now=now
            )
            session.commit()
            populate(session, org_id=org.id, customers=customers, now=now)
        key = auth_service.create_key(
            session, org=org, name="bench", permissions=frozenset(Permission)
        ).secret
        session.commit()
        rows = session.execute(
            select(Subscription.id, Subscription.account_id, Subscription.identification_nr)
            .where(Subscription.iccid.is_not(None))
            .order_by(Subscription.id)
        ).all()
    engine.dispose()
    paths = []
    for subscription_id, account_id, number in random.Random(1).sample(rows, 400):
        base = "/v2/orgs/telco"
        paths += [
            f"{base}/users/tree?number={number}",
            f"{base}/accounts/{account_id}",
            f"{base}/subscriptions/{subscription_id}",
            f"{base}/subscriptions/{subscription_id}/products?include=compatibilities",
            f"{base}/subscriptions/{subscription_id}/bonuses",
        ]
    return url, key, paths


async def _reads(url: str, key: str, paths: list[str], requests: int) -> dict[str, float]:
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    client = Asgi(app, key)
    for path in paths:  # warm-up: caches, compiled statements, the key, the pages read
        assert await client.call("GET", path) == 200, path
    kinds = {
        "read_mix": lambda p: True,
        "users_tree": lambda p: "/users/tree?" in p,
        "account": lambda p: "/accounts/" in p,
        "subscription": lambda p: p.count("/") == 5 and "/subscriptions/" in p,
        "products": lambda p: p.endswith("compatibilities"),
        "bonuses": lambda p: p.endswith("/bonuses"),
    }
    result = {}
    for name, wanted in kinds.items():
        chosen = [p for p in paths if wanted(p)]
        times = []
        for _ in range(ROUNDS):
            sample = (chosen * (requests // len(chosen) + 1))[:requests]
            started = time.process_time()
            for path in sample:
                await client.call("GET", path)
            times.append((time.process_time() - started) / len(sample) * 1e6)
        result[f"{name}_us"] = round(min(times), 1)
    await app.state.database.dispose()
    return result


def _signup_body(kind: str, index: int) -> dict[str, Any]:
    if kind == "mobile":
        return mobile_signup(person=owner(70_000_000 + index))
    return convergent_signup(
        person=owner(70_000_000 + index),
        lines=2,
        with_tv=False,
        devices=True,
        scoring={"scoring_value": 900, "credit_limit_available": "5000"},
    )


async def _signups_http(url: str, key: str, kind: str, signups: int, offset: int) -> list[float]:
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    client = Asgi(app, key)
    times = []
    for index in range(offset, offset + signups):
        body = json.dumps(_signup_body(kind, index)).encode()
        started = time.process_time()
        status = await client.call("POST", "/v2/orgs/telco/signups", body)
        times.append((time.process_time() - started) * 1000)
        assert status == 200, status
    await app.state.database.dispose()
    return times


def _signups_direct(url: str, kind: str, signups: int, offset: int) -> list[float]:
    from mascustomers.auth.caller import Caller
    from mascustomers.auth.repository import get_org_by_slug
    from mascustomers.signups import service
    from mascustomers.signups.schemas import SignupCreate

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        org = get_org_by_slug(session, "telco")
        assert org is not None
        org_id = org.id
    times = []
    for index in range(offset, offset + signups):
        body = SignupCreate.model_validate(_signup_body(kind, index))
        with sessions() as session:
            now = datetime.now(UTC)
            caller = Caller(
                org_id=org_id, org_slug="telco", actor="bench", now=now, today=now.date()
            )
            begin_for_write(session)
            started = time.process_time()
            result = service.create_signup(session, caller=caller, body=body)
            times.append((time.process_time() - started) * 1000)
            assert result.risk_decision == "a", result
            session.commit()
    engine.dispose()
    return times


def _signups(kind: str, signups: int) -> dict[str, float]:
    # A new database each run (on PostgreSQL: <MASCUSTOMERS_TEST_DATABASE_URL>_bench_in_process).
    url = fresh_database_url("bench_in_process", Path(tempfile.mkdtemp()))
    key = seed(url, numbers=signups * ROUNDS * 8, sims=signups * ROUNDS * 8)
    http, direct = [], []
    asyncio.run(_signups_http(url, key, kind, 20, 10**6))  # warm-up
    for round_ in range(ROUNDS):
        offset = round_ * signups * 2
        http.append(statistics.median(asyncio.run(_signups_http(url, key, kind, signups, offset))))
        direct.append(statistics.median(_signups_direct(url, kind, signups, offset + signups)))
    return {
        "signup_http_ms": round(min(http), 2),
        "create_signup_ms": round(min(direct), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--signups", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--only", choices=("reads", "signups"), default=None)
    parser.add_argument(
        "--body",
        choices=("convergent", "mobile"),
        default="convergent",
        help="the signups' order: convergent (fibre, landline, 2 mobile lines, financed "
        "device) or one postpaid mobile line",
    )
    args = parser.parse_args()
    result: dict[str, Any] = {"tree": str(Path(sys.modules["mascustomers"].__file__ or "").parent)}
    if args.only in (None, "reads"):
        url, key, paths = _reads_database(args.database_url, args.customers)
        result.update(asyncio.run(_reads(url, key, paths, args.requests)))
    if args.only in (None, "signups"):
        if args.database_url:
            import os

            os.environ["MASCUSTOMERS_TEST_DATABASE_URL"] = args.database_url
        result.update(_signups(args.body, args.signups))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
