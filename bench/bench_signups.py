"""Signups per second through HTTP: a convergent bundle with 2 lines and a financed device
(``--body convergent``, the default) or a single postpaid mobile line (``--body mobile``).

    .venv/bin/python bench/bench_signups.py [--signups 1000] [--clients 16] [--workers 2]
        [--body convergent|mobile] [--database-url postgresql+psycopg://…]

Starts `mascustomers serve` on 127.0.0.1 against a fresh database seeded with the test
catalogue and enough inventory, posts the signups from a thread pool, prints signups/s and
latency percentiles. Never part of CI.
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bodies import convergent_signup, mobile_signup, owner  # noqa: E402
from tests.databases import fresh_database_url  # noqa: E402
from tests.live_server import free_port, seed, start  # noqa: E402


def _body(kind: str, i: int) -> dict[str, object]:
    person = owner(60_000_000 + i)
    if kind == "mobile":
        return mobile_signup(person=person)
    return convergent_signup(
        person=person,
        lines=2,
        with_tv=False,
        devices=True,
        scoring={"scoring_value": 900, "credit_limit_available": "5000"},
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signups", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--body",
        choices=("convergent", "mobile"),
        default="convergent",
        help="convergent: fibre, landline, 2 mobile lines, financed device; mobile: one "
        "postpaid mobile line, number from the pool, SIM shipped",
    )
    args = parser.parse_args()
    if args.database_url:
        import os

        os.environ["MASCUSTOMERS_TEST_DATABASE_URL"] = args.database_url
    url = fresh_database_url("bench_signups", Path(tempfile.mkdtemp()))
    key = seed(url, numbers=args.signups * 3, sims=args.signups * 3)
    port = free_port()
    server = start(url, port, workers=args.workers)
    bodies = [_body(args.body, i) for i in range(args.signups)]
    latencies: list[float] = []
    # One keep-alive client per thread, as a dealer's integration would hold: building an
    # httpx.Client per request costs ~20 ms of CPU (certificate store), on the server's cores.
    local = threading.local()

    def post(body: dict[str, object]) -> int:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(
                base_url=f"http://127.0.0.1:{port}", headers={"x-api-key": key}, timeout=60
            )
        started = time.perf_counter()
        status = client.post("/v2/orgs/telco/signups", json=body).status_code
        latencies.append(time.perf_counter() - started)
        return status

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            statuses = list(pool.map(post, bodies))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    ok = statuses.count(200)
    latencies.sort()
    print(
        f"body={args.body} database={url.split(':')[0]} workers={args.workers} "
        f"clients={args.clients} "
        f"signups={args.signups} ok={ok} elapsed={elapsed:.1f}s rate={ok / elapsed:.0f}/s "
        f"p50={statistics.median(latencies) * 1000:.0f}ms "
        f"p99={latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f}ms"
    )
    return 0 if ok == args.signups else 1


if __name__ == "__main__":
    sys.exit(main())
