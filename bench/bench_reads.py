"""Read benchmark: GET users/tree?number= and GET accounts/{id} on 100,000 customers.

    .venv/bin/python bench/bench_reads.py [--customers 100000] [--concurrency 16]
        [--seconds 5] [--workers 1] [--keep]

1. Builds a fresh SQLite file, migrated with ``mascustomers.db.migrate.upgrade``, and
   bulk-inserts the customers (owner user, account with its tax row, sell, ALTA work order and
   one to three mobile lines each) with SQLAlchemy Core executemany.
2. Prints the query plan (EXPLAIN QUERY PLAN) of every statement the two reads issue, and
   fails if one scans a table instead of searching an index.
3. Serves the file with ``mascustomers serve`` (uvicorn, one worker by default) on 127.0.0.1
   and drives each read with ``--concurrency`` httpx clients for ``--seconds``, printing
   requests/s, p50 and p99; then, if ``wrk`` is installed, the same load from wrk. The clients
   run on the same machine and share its cores: a Python client costs about as much CPU per
   request as the server, so the httpx figures are a floor and wrk's the server's limit.
"""

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.orm import Session

from mascustomers.accounts import reads as account_reads
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.customers import tree
from mascustomers.customers.read_schemas import TreeSearch
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.kit.identity_documents import make_nif
from mascustomers.models import (
    Account,
    AccountTax,
    Customer,
    Sell,
    Subscription,
    User,
    WorkOrder,
)

HERE = Path(__file__).resolve().parent
CHUNK = 5_000
NUMBER_BASE = 610_000_000
PORT = 8311


def bulk_rows(
    org_id: int, first: int, count: int, now: datetime
) -> dict[Any, list[dict[str, Any]]]:
    """Rows of customers ``first`` … ``first + count - 1`` (ids are the customer's index)."""
    rows: dict[Any, list[dict[str, Any]]] = {
        model: [] for model in (Customer, User, Account, AccountTax, Sell, WorkOrder, Subscription)
    }
    rng = random.Random(first)
    for n in range(first, first + count):
        since = now - timedelta(days=rng.randrange(1, 2000))
        nif = make_nif(n)
        rows[Customer].append(
            dict(
                id=n,
                org_id=org_id,
                uuid=str(uuid.UUID(int=n)),
                type_id=1,
                sector_id=1,
                document_type_id=1,
                document_value=nif,
                login_blocked=False,
                created_at=since,
            )
        )
        rows[User].append(
            dict(
                id=n,
                org_id=org_id,
                customer_id=n,
                role="owner",
                document_type_id=1,
                document_value=nif,
                first_name="Lucía",
                last_name="García",
                email=f"cliente{n}@example.es",
                language_id=1,
                state_id=28,
                postal_code="28017",
                created_at=since,
            )
        )
        rows[Account].append(
            dict(
                id=n,
                org_id=org_id,
                customer_id=n,
                owner_user_id=n,
                account_number=f"MM-{5_000_000 + n:07d}",
                billing_type_id=1,
                status_id=3,
                state_id=28,
                activated_at=since,
                payment_method="BANK_ACCOUNT",
                iban="ES9121000418450200051332",
                delivery_mode="email",
                contract_path=f"/contracts/{org_id}/{n}",
                contract_filename=f"{n}.pdf",
                created_at=since,
            )
        )
        rows[AccountTax].append(
            dict(
                id=n,
                account_id=n,
                state_id=28,
                description="IVA",
                tax_value=Decimal("21.00"),
                tax_terminal_value=Decimal("21.00"),
                start_at=since,
            )
        )
        rows[Sell].append(
            dict(
                id=n,
                org_id=org_id,
                kind="SIGNUP",
                status="COMPLETED",
                risk_decision="a",
                customer_id=n,
                account_id=n,
                request={},
                created_at=since,
                created_by="bench",
            )
        )
        rows[WorkOrder].append(
            dict(
                id=n,
                org_id=org_id,
                work_order_id=f"OT{n:010d}",
                account_id=n,
                sell_id=n,
                type_id=1,
                status_id=34,
                created_at=since,
            )
        )
        for line in range(1 + n % 3):
            line_id = n * 3 + line
            rows[Subscription].append(
                dict(
                    id=line_id,
                    org_id=org_id,
                    uuid=str(uuid.UUID(int=line_id)),
                    account_id=n,
                    sell_id=n,
                    type_id=2,
                    status_id=3,
                    origin_id=1,
                    mobile_line_type=None,
                    identification_nr=str(NUMBER_BASE + line_id),
                    iccid=f"89340{line_id:014d}",
                    user_id=n,
                    expedition_user_id=n,
                    product_id=2101,
                    sell_at=since,
                    activated_at=since,
                )
            )
    return rows


def populate(engine: Engine, customers: int) -> tuple[str, list[str], list[int]]:
    """Create the org, a key and the customers; return the key, some numbers and accounts."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        org = auth_service.create_org(session, slug="telco", name="Telco bench", is_sandbox=True)
        key = auth_service.create_key(
            session, org=org, name="bench", permissions=frozenset(Permission)
        ).secret
        session.commit()
        org_id = org.id
    started = time.perf_counter()
    with engine.begin() as conn:
        for first in range(1, customers + 1, CHUNK):
            rows = bulk_rows(org_id, first, min(CHUNK, customers + 1 - first), now)
            for model, values in rows.items():
                conn.execute(insert(model.__table__), values)
        conn.execute(text("ANALYZE"))
    print(f"inserted {customers} customers in {time.perf_counter() - started:.1f} s", flush=True)
    rng = random.Random(7)
    with engine.connect() as conn:
        numbers = list(
            conn.scalars(
                select(Subscription.identification_nr).where(
                    Subscription.id.in_([rng.randrange(3, customers * 3) for _ in range(5000)])
                )
            )
        )
    accounts = [rng.randrange(1, customers + 1) for _ in range(5000)]
    return key, [str(n) for n in numbers], accounts


def explain(engine: Engine, number: str, account_id: int) -> list[str]:
    """The plans of every statement both reads issue; the lines that scan a whole table."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as session:
            tree.find_tree(session, org_id=1, search=TreeSearch(number=number))
            account_reads.account_info(session, org_id=1, account_id=account_id)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    scans = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            print("\n" + " ".join(statement.split()))
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            for row in plan:
                detail = str(row[-1])
                print(f"    {detail}")
                if detail.startswith("SCAN") and "USING" not in detail:
                    scans.append(detail)
    return scans


def serve(url: str, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MASCUSTOMERS_DATABASE_URL": url, "MASCUSTOMERS_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "mascustomers.cli.main", "serve", "--port", str(PORT)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{PORT}/health/live", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


async def drive(paths: list[str], key: str, concurrency: int, seconds: float) -> dict[str, float]:
    """``concurrency`` httpx clients requesting random ``paths`` for ``seconds``.

    One client (one keep-alive connection) per worker: a single shared pool serialises on
    httpcore's pool lock and measures the client rather than the server.
    """
    latencies: list[float] = []
    failures = 0
    clients = [
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", headers={"x-api-key": key})
        for _ in range(concurrency)
    ]

    async def worker(client: httpx.AsyncClient, seed: int, until: float) -> None:
        nonlocal failures
        rng = random.Random(seed)
        while time.perf_counter() < until:
            started = time.perf_counter()
            response = await client.get(rng.choice(paths))
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200

    try:
        warm_until = time.perf_counter() + 1
        await asyncio.gather(*(worker(c, -i, warm_until) for i, c in enumerate(clients)))
        latencies.clear()
        failures = 0
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(worker(c, i, until) for i, c in enumerate(clients)))
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99)] * 1000,
        "non_200": failures,
    }


def drive_wrk(paths: list[str], key: str, concurrency: int, seconds: float) -> dict[str, float]:
    """The same load from wrk (C, one thread), when it is installed: the server's own limit."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    env = {**os.environ, "WRK_PATHS": handle.name, "WRK_KEY": key}
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["-s", str(HERE / "wrk_paths.lua"), f"http://127.0.0.1:{PORT}"]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    Path(handle.name).unlink()
    values = dict(re.findall(r"(\w+)=(\d+)", output.split("RESULT", 1)[1]))
    requests, duration = int(values["requests"]), int(values["duration_us"]) / 1e6
    return {
        "requests": requests,
        "rps": requests / duration,
        "p50_ms": int(values["p50_us"]) / 1000,
        "p99_ms": int(values["p99_us"]) / 1000,
        "non_200": int(values["non2xx"]) + int(values["errors"]),
    }


def report(name: str, result: dict[str, float]) -> None:
    print(
        f"{name:<34} {result['rps']:7.0f} req/s   p50 {result['p50_ms']:6.1f} ms"
        f"   p99 {result['p99_ms']:6.1f} ms   ({result['requests']:.0f} requests,"
        f" {result['non_200']:.0f} not 200)",
        flush=True,
    )


def fresh_file(keep: bool) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="mascustomers-bench-"))
    try:
        yield folder / "bench.db"
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    args = parser.parse_args()
    for path in fresh_file(args.keep):
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        engine = make_engine(url)
        key, numbers, accounts = populate(engine, args.customers)
        scans = explain(engine, numbers[0], accounts[0])
        engine.dispose()
        if scans:
            print(f"\nFULL TABLE SCANS: {scans}")
            return 1
        print("\nevery statement searches an index")
        server = serve(url, args.workers)
        try:
            reads = {
                "GET users/tree?number=": [
                    f"/v2/orgs/telco/users/tree?number={n}" for n in numbers
                ],
                "GET accounts/{id}": [f"/v2/orgs/telco/accounts/{a}" for a in accounts],
            }
            print(
                f"\n{args.customers} customers, uvicorn workers={args.workers}, "
                f"{args.concurrency} concurrent clients, {args.seconds:g} s each"
            )
            for name, paths in reads.items():
                report(
                    f"{name} httpx", asyncio.run(drive(paths, key, args.concurrency, args.seconds))
                )
                if shutil.which("wrk"):
                    report(f"{name} wrk", drive_wrk(paths, key, args.concurrency, args.seconds))
        finally:
            server.terminate()
            server.wait()
        if args.keep:
            print(f"database kept at {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
