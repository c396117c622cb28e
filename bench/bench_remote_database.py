"""The request engine with the database across a network: read mix and signups on PostgreSQL
directly, through a TCP proxy adding no delay, and through it adding 0.5 ms each way (a
database on the next host, 1 ms round trip).

    .venv/bin/python bench/bench_remote_database.py \\
        --database-url postgresql+psycopg://postgres:postgres@127.0.0.1:5432/bench_remote \\
        [--customers 20000] [--read-workers 1] [--signup-workers 2] [--seconds 15]

The read mix is `bench_read_mix`'s (users tree by number, account, subscription, products with
compatibilities, bonuses) with wrk, 64 connections; the signups are single mobile lines and
convergent orders (fibre, landline, two mobile lines, a financed device) POSTed by wrk from a
file of distinct bodies (`wrk_bodies.lua`: the client costs nearly nothing, so the server is
what is measured), 16 connections. The proxies (`latency_proxy.py`) run as processes of their
own. Prints each run and the ratios; targets (issue 13): read mix at 1 ms RTT ≥ 0.7× the same
run at 0 ms; signups on local PostgreSQL ≥ 200/s with 2 workers. Never part of CI.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bodies import convergent_signup, mobile_signup, owner  # noqa: E402
from tests.live_server import free_port, seed  # noqa: E402

from bench.bench_read_mix import prepare, serve, wrk  # noqa: E402

HERE = Path(__file__).resolve().parent
DELAYS_MS = (0.0, 0.5)


def proxy(upstream: str, delay_ms: float) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "latency_proxy.py"),
            "--listen",
            f"127.0.0.1:{port}",
            "--to",
            upstream,
            "--delay-ms",
            str(delay_ms),
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process, port


def serve_on(database_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "MASCUSTOMERS_DATABASE_URL": database_url,
        "MASCUSTOMERS_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "mascustomers.cli.main", "serve", "--port", str(port)]
    process = serve([*command, "--workers", str(workers)], env, port)
    return process, f"http://127.0.0.1:{port}"


def wrk_posts(url: str, path: str, bodies: Path, key: str, seconds: int) -> dict[str, float]:
    env = {
        **os.environ,
        "WRK_BODIES": str(bodies),
        "WRK_PATH": path,
        "WRK_KEY": key,
        "WRK_THREADS": "2",
    }
    output = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(HERE / "wrk_bodies.lua"), url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(re.findall(r"(\w+)=(\d+)", output.split("RESULT", 1)[1]))
    requests, duration = int(values["requests"]), int(values["duration_us"]) / 1e6
    ok = requests - int(values["non2xx"]) - int(values["errors"])
    return {
        "rps": ok / duration,
        "p50_ms": int(values["p50_us"]) / 1000,
        "p99_ms": int(values["p99_us"]) / 1000,
        "errors": int(values["errors"]),
        "non2xx": int(values["non2xx"]),
    }


def warm_up(http: str, key: str, kind: str, first: int) -> None:
    """A few signups (other customers) before the clock starts: the first requests of a
    worker load the catalogue and compile statements."""
    import httpx

    with httpx.Client(base_url=http, headers={"x-api-key": key}, timeout=60) as client:
        for line in signup_bodies(kind, 20, first).read_text().splitlines():
            client.post("/v2/orgs/telco/signups", content=line.encode())


def signup_bodies(kind: str, count: int, first: int) -> Path:
    path = Path(tempfile.mkstemp(suffix=f"_{kind}.jsonl")[1])
    with path.open("w") as handle:
        for i in range(first, first + count):
            person = owner(10_000_000 + i)
            body = (
                mobile_signup(person=person)
                if kind == "mobile"
                else convergent_signup(
                    person=person,
                    lines=2,
                    with_tv=False,
                    devices=True,
                    scoring={"scoring_value": 900, "credit_limit_available": "5000"},
                )
            )
            handle.write(json.dumps(body) + "\n")
    return path


def ensure_database(url: str) -> None:
    """Create the read mix's database if it is not there (it is populated once and reused)."""
    from sqlalchemy import create_engine, text

    target = make_url(url)
    admin = create_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if exists is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def with_host(url: str, port: int) -> str:
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database to use")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--read-workers", type=int, default=1)
    parser.add_argument("--signup-workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    base = make_url(args.database_url)
    upstream = f"{base.host or '127.0.0.1'}:{base.port or 5432}"
    reads_url = args.database_url
    ensure_database(reads_url)
    key, paths = prepare(reads_url, args.customers)
    proxies = {delay: proxy(upstream, delay) for delay in DELAYS_MS}
    targets = {"direct": reads_url} | {
        f"proxy {delay} ms": with_host(reads_url, port) for delay, (_, port) in proxies.items()
    }
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for name, url in targets.items():
            server, http = serve_on(url, args.read_workers)
            try:
                wrk(http, paths[:50], key, 8, 2)
                results.setdefault("read_mix", {})[name] = wrk(http, paths, key, 64, args.seconds)
            finally:
                server.terminate()
                server.wait()
            print(name, "read mix", results["read_mix"][name], flush=True)
        signup_url = make_url(args.database_url)
        signup_url = signup_url.set(database=f"{signup_url.database}_signups")
        os.environ["MASCUSTOMERS_TEST_DATABASE_URL"] = signup_url.render_as_string(
            hide_password=False
        )
        from tests.databases import fresh_database_url

        first = 0
        for kind in ("mobile", "convergent"):
            for name in targets:
                url = fresh_database_url(f"r{first}", Path(tempfile.mkdtemp()))
                expected = 400 * args.seconds
                signup_key = seed(url, numbers=expected * 3, sims=expected * 3)
                bodies = signup_bodies(kind, expected, first)
                first += expected
                port = proxies[DELAYS_MS[name.endswith("0.5 ms")]][1] if name != "direct" else None
                target = with_host(url, port) if port else url
                server, http = serve_on(target, args.signup_workers)
                try:
                    warm_up(http, signup_key, kind, 85_000_000 + first)
                    run = wrk_posts(
                        http, "/v2/orgs/telco/signups", bodies, signup_key, args.seconds
                    )
                finally:
                    server.terminate()
                    server.wait()
                results.setdefault(f"signups_{kind}", {})[name] = run
                print(name, f"signups ({kind})", run, flush=True)
    finally:
        for process, _ in proxies.values():
            process.terminate()
            process.wait()
    print(json.dumps({"customers": args.customers, "results": results}, indent=2))
    reads = results["read_mix"]
    print(
        f"read mix ({args.read_workers} worker): 1 ms RTT / 0 ms = "
        f"{reads['proxy 0.5 ms']['rps'] / reads['proxy 0.0 ms']['rps']:.2f}  "
        f"(0 ms proxy / direct = {reads['proxy 0.0 ms']['rps'] / reads['direct']['rps']:.2f})"
    )
    for kind in ("mobile", "convergent"):
        runs = results[f"signups_{kind}"]
        print(
            f"signups {kind} ({args.signup_workers} workers): "
            f"direct {runs['direct']['rps']:.0f}/s, "
            f"1 ms RTT / 0 ms = {runs['proxy 0.5 ms']['rps'] / runs['proxy 0.0 ms']['rps']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
