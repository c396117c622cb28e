"""Webhooks: what delivering every event costs the signups, and how fast the worker delivers.

    .venv/bin/python bench/bench_webhooks.py [--rounds 6] [--signups 150] [--clients 8]
        [--workers 1] [--events 5000] [--database-url postgresql+psycopg://…]

One run, one fresh database, the API (`mascustomers serve`, `--workers`), a receiver (a bare
ASGI app under uvicorn, `bench/webhook_receiver.py`) and the delivery worker in its own
process (`mascustomers webhooks deliver --forever`), all on 127.0.0.1:

1. Signups/s without and with one webhook endpoint subscribed to everything, in alternating
   rounds of ``--signups`` mobile signups (``--clients`` keep-alive clients): a "with" round
   creates the endpoint first, so the worker delivers every signup's event while the round
   runs; the round ends when its signups are answered, and the next starts once the worker
   has caught up. Each round runs both kinds, in alternating order (the machine's load moves
   in between). Events are written in both (the outbox is always on): this measures what
   webhooks add on top. Prints each round, the mean of each kind, the ratio of the means and
   each round's ratio, and the spread of each kind (how noisy the shared cores were). The
   same per CPU second: the CPU time of the API, the worker, the receiver and this load
   generator over the round (a "with" round until its events are delivered) — what the
   throughput ratio is on cores nobody else uses, and far less noisy on shared ones.
2. Delivery throughput: the stream is grown to ``--events`` events (copies of the signups'
   events), a new endpoint is pointed at its start, and a worker in this process
   (`DeliveryWorker`, default configuration) delivers the backlog; prints events/s.

Never part of CI.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bodies import mobile_signup, owner  # noqa: E402
from tests.databases import fresh_database_url  # noqa: E402
from tests.live_server import free_port, seed, start  # noqa: E402

from mascustomers.db.engine import make_engine, make_sessionmaker  # noqa: E402
from mascustomers.events.delivery import DeliveryWorker  # noqa: E402


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and of this one (the load generator)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = sum(os.times()[:2])
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def start_receiver(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.webhook_receiver:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/count", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the receiver did not start")


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.url = fresh_database_url("bench_webhooks", Path(tempfile.mkdtemp()))
        total = args.rounds * 2 * args.signups + 10
        self.key = seed(self.url, numbers=total * 2, sims=total * 2)
        self.receiver_port = free_port()
        self.api_port = free_port()
        self.local = threading.local()
        self.next_person = 0
        self.pids: list[int] = []
        self.counter: httpx.Client | None = None

    def api(self) -> httpx.Client:
        client = getattr(self.local, "client", None)
        if client is None:
            client = self.local.client = httpx.Client(
                base_url=f"http://127.0.0.1:{self.api_port}/v2/orgs/telco",
                headers={"x-api-key": self.key},
                timeout=60,
            )
        return client

    def received(self) -> int:
        # One client kept: httpx.get() builds a client (and its TLS context) per call, ~20 ms
        # of CPU that the rounds would count.
        if self.counter is None:
            self.counter = httpx.Client(base_url=f"http://127.0.0.1:{self.receiver_port}")
        return int(self.counter.get("/count").text)

    def signups(self, count: int) -> float:
        bodies = [
            mobile_signup(person=owner(60_000_000 + self.next_person + i)) for i in range(count)
        ]
        self.next_person += count

        def post(body: dict[str, object]) -> int:
            return self.api().post("/signups", json=body).status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=self.args.clients) as pool:
            statuses = list(pool.map(post, bodies))
        elapsed = time.perf_counter() - started
        assert statuses.count(200) == count, statuses
        return count / elapsed

    def add_endpoint(self) -> int:
        body = {"url": f"http://127.0.0.1:{self.receiver_port}/hook", "event_types": ["*"]}
        response = self.api().post("/ops/webhooks", json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def wait_delivered(self, expected: int, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while self.received() < expected:
            assert time.monotonic() < deadline, f"{self.received()} of {expected} delivered"
            time.sleep(0.2)


@dataclass
class Round:
    kind: str
    rate: float  # signups per second of wall time
    per_cpu: float  # signups per CPU second of every process involved


def rounds(bench: Bench) -> list[Round]:
    done: list[Round] = []
    delivered = 0
    for number in range(bench.args.rounds):
        order = ("without", "with") if number % 2 == 0 else ("with", "without")
        for kind in order:
            endpoint = bench.add_endpoint() if kind == "with" else None
            cpu = cpu_seconds(bench.pids)
            rate = bench.signups(bench.args.signups)
            if endpoint is not None:
                # The round's cost includes delivering its events, however late.
                delivered += bench.args.signups
                bench.wait_delivered(delivered)
            per_cpu = bench.args.signups / (cpu_seconds(bench.pids) - cpu)
            if endpoint is not None:
                assert bench.api().delete(f"/ops/webhooks/{endpoint}").status_code == 204
            done.append(Round(kind, rate, per_cpu))
            print(
                f"round {number + 1} {kind:>7}: {rate:6.1f} signups/s, "
                f"{per_cpu:6.1f} signups per CPU second",
                flush=True,
            )
    return done


def throughput(bench: Bench) -> tuple[int, float, float, float]:
    engine = make_engine(bench.url)
    with engine.begin() as conn:
        org_id = conn.execute(text("SELECT id FROM org WHERE slug = 'telco'")).scalar_one()
        existing = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
        while existing < bench.args.events:
            # Copies of the events so far, numbered after them (the stream's counter too).
            top = conn.execute(text("SELECT max(position) FROM event")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO event (org_id, position, type, created_at, subject, data) "
                    "SELECT org_id, position + :top, type, created_at, subject, data FROM event "
                    "WHERE position <= :room"
                ),
                {"top": top, "room": bench.args.events - existing},
            )
            existing = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
        top = conn.execute(text("SELECT max(position) FROM event")).scalar_one()
        conn.execute(
            text(
                "UPDATE org_sequence SET last_value = :top WHERE org_id = :org AND name = 'event'"
            ),
            {"top": top, "org": org_id},
        )
    endpoint = bench.add_endpoint()
    with engine.begin() as conn:  # point it at the start of the stream: a backlog of everything
        conn.execute(
            text("UPDATE webhook_endpoint SET queued_through = 0 WHERE id = :id"), {"id": endpoint}
        )
    before = bench.received()
    worker = DeliveryWorker(make_sessionmaker(engine))
    started, own, receiving = time.perf_counter(), sum(os.times()[:2]), cpu_seconds(bench.pids)
    result = worker.run_until_idle()
    elapsed = time.perf_counter() - started
    own = sum(os.times()[:2]) - own
    receiving = cpu_seconds(bench.pids) - receiving - own
    worker.close()
    assert bench.received() - before == existing == result.delivered, (result, existing)
    engine.dispose()
    return existing, elapsed, own / existing, receiving / existing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--signups", type=int, default=150)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if args.database_url:
        os.environ["MASCUSTOMERS_TEST_DATABASE_URL"] = args.database_url
    bench = Bench(args)
    receiver = start_receiver(bench.receiver_port)
    server = start(bench.url, bench.api_port, workers=args.workers)
    env = {
        **os.environ,
        "MASCUSTOMERS_DATABASE_URL": bench.url,
        "MASCUSTOMERS_LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "mascustomers.cli.main", "webhooks", "deliver", "--forever"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bench.pids = [server.pid, worker.pid, receiver.pid]
    try:
        bench.signups(150)  # warm-up, not counted
        done = rounds(bench)
        worker.terminate()  # the throughput run has its worker in this process
        worker.wait()
        bench.pids = [receiver.pid]
        events, elapsed, worker_cpu, receiver_cpu = throughput(bench)
    finally:
        for process in (worker, server, receiver):
            if process.poll() is None:
                process.terminate()
                process.wait()
    print(
        f"database={bench.url.split(':')[0]} workers={args.workers} clients={args.clients} "
        f"signups/round={args.signups} rounds={args.rounds}"
    )
    for label, value in (("signups/s", "rate"), ("signups per CPU second", "per_cpu")):
        without = [getattr(r, value) for r in done if r.kind == "without"]
        with_ = [getattr(r, value) for r in done if r.kind == "with"]
        pairs = [w / wo for w, wo in zip(with_, without, strict=True)]
        spread = [(max(x) - min(x)) / statistics.mean(x) * 100 for x in (without, with_)]
        print(
            f"{label}: without {statistics.mean(without):.1f} (spread {spread[0]:.0f}%), "
            f"with {statistics.mean(with_):.1f} (spread {spread[1]:.0f}%); ratio of means "
            f"{statistics.mean(with_) / statistics.mean(without):.3f}, per round "
            f"{', '.join(f'{p:.2f}' for p in pairs)} (median {statistics.median(pairs):.3f})"
        )
    print(f"worker: {events} events delivered in {elapsed:.2f}s = {events / elapsed:.0f} events/s")
    signup_cpu = 1 / statistics.mean(r.per_cpu for r in done if r.kind == "without")
    delivery_cpu = worker_cpu + receiver_cpu
    print(
        f"CPU per event delivered {delivery_cpu * 1000:.2f} ms (worker {worker_cpu * 1000:.2f}, "
        f"receiver {receiver_cpu * 1000:.2f}); per signup without webhooks "
        f"{signup_cpu * 1000:.2f} ms: on cores nobody else uses, signups with one endpoint "
        f"run at {signup_cpu / (signup_cpu + delivery_cpu):.3f} of those without"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
