"""Read-mix benchmark: customer tree by number, account, subscription, products, bonuses.

    .venv/bin/python bench/bench_read_mix.py --customers 100000 [--workers 2] [--connections 64]
        [--seconds 20] [--prism] [--database-url postgresql+psycopg://…]

Builds (or reuses) a populated database, serves it with `mascustomers serve --workers N` on
127.0.0.1, drives it with wrk, then measures a bare FastAPI constant endpoint (and Stoplight
Prism mocking the same OpenAPI document with --prism) the same way, and prints requests/s,
p50, p99 and the ratios. Never part of CI.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.demo.population import populate
from mascustomers.models import Subscription

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# Each read of the mix alone (half the mix's duration each), to see which one costs.
ROUTES = {
    "users_tree_by_number": lambda p: "/users/tree?" in p,
    "account": lambda p: "/accounts/" in p,
    "subscription": lambda p: "/subscriptions/" in p and p.count("/") == 5,
    "products_with_compatibilities": lambda p: p.endswith("/products?include=compatibilities"),
    "bonuses": lambda p: p.endswith("/bonuses"),
}


def prepare(url: str, customers: int) -> tuple[str, list[str]]:
    """Migrate, load the shipped catalogue, populate; return a key and the read-mix paths."""
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        from mascustomers.auth import repository as auth_repository

        org = auth_repository.get_org_by_slug(session, "telco")
        if org is None:
            org = auth_service.create_org(
                session, slug="telco", name="Telco bench", is_sandbox=True
            )
            _load_catalogue(session, org.id)
            session.commit()
            started = time.perf_counter()
            populate(session, org_id=org.id, customers=customers, now=datetime.now(UTC))
            print(
                f"populated {customers} customers in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
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
    sample = random.Random(1).sample(rows, min(5000, len(rows)))
    paths = []
    for subscription_id, account_id, number in sample:
        base = "/v2/orgs/telco"
        paths += [
            f"{base}/users/tree?number={number}",
            f"{base}/accounts/{account_id}",
            f"{base}/subscriptions/{subscription_id}",
            f"{base}/subscriptions/{subscription_id}/products?include=compatibilities",
            f"{base}/subscriptions/{subscription_id}/bonuses",
        ]
    return key, paths


def _load_catalogue(session: Session, org_id: int) -> None:
    from mascustomers.catalog import loader
    from mascustomers.catalog.file_format import load_shipped_catalogue

    loader.load_catalogue(
        session, org_id=org_id, document=load_shipped_catalogue(), now=datetime.now(UTC)
    )


def serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server on {port} did not start")


def wrk(url: str, paths: list[str], key: str, connections: int, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    env = {**os.environ, "WRK_PATHS": handle.name, "WRK_KEY": key}
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / "wrk_paths.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(re.findall(r"(\w+)=(\d+)", output.split("RESULT", 1)[1]))
    requests, duration = int(values["requests"]), int(values["duration_us"]) / 1e6
    return {
        "rps": requests / duration,
        "p50_ms": int(values["p50_us"]) / 1000,
        "p99_ms": int(values["p99_us"]) / 1000,
        "errors": int(values["errors"]),
        "non2xx": int(values["non2xx"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--prism", action="store_true")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    url = args.database_url or f"sqlite:///{ROOT / 'var' / f'bench_{args.customers}.db'}"
    (ROOT / "var").mkdir(exist_ok=True)
    key, paths = prepare(url, args.customers)
    env = {**os.environ, "MASCUSTOMERS_DATABASE_URL": url, "MASCUSTOMERS_LOG_LEVEL": "WARNING"}
    results = {}
    server = serve(
        [
            sys.executable,
            "-m",
            "mascustomers.cli.main",
            "serve",
            "--port",
            "8301",
            "--workers",
            str(args.workers),
        ],
        env,
        8301,
    )
    try:
        wrk("http://127.0.0.1:8301", paths[:50], key, 8, 3)  # warm-up
        results["read_mix"] = wrk(
            "http://127.0.0.1:8301", paths, key, args.connections, args.seconds
        )
        for name, wanted in ROUTES.items():
            only = [p for p in paths if wanted(p)]
            results[name] = wrk(
                "http://127.0.0.1:8301", only, key, args.connections, args.seconds // 2
            )
    finally:
        server.terminate()
        server.wait()
    bare = serve(
        [
            sys.executable,
            "-c",
            # served as `mascustomers serve` serves (cli/serving.py): loop, protocol, a
            # listening socket per worker
            "from mascustomers.cli.serving import run; "
            f"run('bench.bare_app:app', host='127.0.0.1', port=8302, workers={args.workers})",
        ],
        {**env, "PYTHONPATH": str(ROOT)},
        8302,
    )
    try:
        results["bare_fastapi"] = wrk(
            "http://127.0.0.1:8302", ["/constant"], "", args.connections, args.seconds
        )
    finally:
        bare.terminate()
        bare.wait()
    if args.prism:
        results["prism"] = run_prism(paths, key, args.connections, args.seconds)
    print(
        json.dumps(
            {
                "customers": args.customers,
                "workers": args.workers,
                "connections": args.connections,
                "database": url.split(":")[0],
                "results": results,
            },
            indent=2,
        )
    )
    mix = results["read_mix"]["rps"]
    print(f"read mix / bare FastAPI = {mix / results['bare_fastapi']['rps']:.2f}")
    if "prism" in results:
        print(f"read mix / Prism = {mix / results['prism']['rps']:.2f}")
    return 0


def run_prism(paths: list[str], key: str, connections: int, seconds: int) -> dict[str, float]:
    """Stoplight Prism mocking our own /v2/openapi.json (npm registry install, local only)."""
    work = ROOT / "var" / "prism"
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "node_modules" / ".bin" / "prism").exists():
        subprocess.run(["npm", "install", "--silent", "@stoplight/prism-cli"], cwd=work, check=True)
    from mascustomers.api.app import create_app
    from mascustomers.settings import Settings

    document = create_app(Settings(database_url="sqlite://")).openapi()
    (work / "openapi.json").write_text(json.dumps(document))
    process = subprocess.Popen(
        [
            str(work / "node_modules" / ".bin" / "prism"),
            "mock",
            "-p",
            "8303",
            "-h",
            "127.0.0.1",
            str(work / "openapi.json"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get("http://127.0.0.1:8303/health/live", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        return wrk("http://127.0.0.1:8303", paths, key, connections, seconds)
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    sys.exit(main())
