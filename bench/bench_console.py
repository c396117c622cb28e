"""Console benchmark: server time per page at N customers (the ≤ 100 ms target).

    .venv/bin/python bench/bench_console.py --customers 100000 [--samples 200]
        [--database-url postgresql+psycopg://…]

Builds (or reuses) the populated database of ``bench_read_mix.py`` (``var/bench_<N>.db``:
shipped catalogue + N generated customers), signs a staff user in, then asks for every kind
of console page for random customers, accounts and lines, one request at a time, through the
whole ASGI app in-process (middleware, routing, ConsoleRoute, session, templates): the time
measured is the server's, without a network or a client in the way. Prints p50, p95 and the
worst time per page. Never part of CI.
"""

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.api.app import create_app
from mascustomers.auth import repository as auth_repository
from mascustomers.console import repository as console_repository
from mascustomers.console import service as staff_service
from mascustomers.console.pages.customers import DOCUMENT_TYPES
from mascustomers.console.roles import StaffRole
from mascustomers.db.engine import make_engine
from mascustomers.models import Account, Subscription, User
from mascustomers.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_read_mix import prepare

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench console password"
WARM_UP = 20


def staff_and_sample(url: str, samples: int) -> list[dict[str, object]]:
    """A staff user (admin) and ``samples`` random live lines with their account and owner."""
    engine = make_engine(url)
    with Session(engine) as session:
        org = auth_repository.get_org_by_slug(session, "telco")
        assert org is not None
        if console_repository.get_staff_user(session, org_id=org.id, username="bench") is None:
            staff_service.create_staff(
                session,
                org=org,
                username="bench",
                role=StaffRole.ADMIN,
                password=PASSWORD,
                now=datetime.now(UTC),
            )
            session.commit()
        last = session.scalar(select(Subscription.id).order_by(Subscription.id.desc()).limit(1))
        picked = random.Random(3).sample(range(1, (last or 0) + 1), samples * 3)
        rows = session.execute(
            select(
                Subscription.id,
                Subscription.account_id,
                Subscription.identification_nr,
                Subscription.iccid,
                Account.customer_id,
                Account.account_number,
                User.email,
                User.document_type_id,
                User.document_value,
            )
            .join(Account, Account.id == Subscription.account_id)
            .join(User, User.id == Account.owner_user_id)
            .where(
                Subscription.id.in_(picked),
                Subscription.ended_at.is_(None),
                Subscription.identification_nr.is_not(None),
                User.document_value.is_not(None),
            )
        ).all()
    engine.dispose()
    return [row._asdict() for row in rows[:samples]]


def _document_type(line: dict[str, object]) -> str:
    """The search form's name of the owner's document type (master data ids 1-4)."""
    return DOCUMENT_TYPES[int(str(line["document_type_id"])) - 1]


def pages(line: dict[str, object]) -> dict[str, str]:
    return {
        "search by phone → 303": f"/console/search?by=phone&q={line['identification_nr']}",
        "search by e-mail → 303": f"/console/search?by=email&q={line['email']}",
        "search by document → 303": (
            f"/console/search?by=document&document_type={_document_type(line)}"
            f"&q={line['document_value']}"
        ),
        "search by account number → 303": f"/console/search?by=account&q={line['account_number']}",
        "search by ICCID → 303": f"/console/search?by=iccid&q={line['iccid']}",
        "customer": f"/console/customers/{line['customer_id']}",
        "account": f"/console/accounts/{line['account_id']}",
        "subscription": f"/console/subscriptions/{line['id']}",
        "risk holds": "/console/queues/risk-holds",
        "work orders (PENDIENTE CREAR OT)": "/console/queues/work-orders?status=32",
        "work orders (COMPLETADA, later page)": (
            f"/console/queues/work-orders?status=34&after={line['id']}"
        ),
        "failing webhooks": "/console/queues/webhooks",
        "billing (invoices)": "/console/billing",
        "test clock": "/console/clock",
    }


async def measure(url: str, sample: list[dict[str, object]]) -> dict[str, list[float]]:
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    transport = httpx.ASGITransport(app=app)
    times: dict[str, list[float]] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        form = await client.get("/console/login")
        token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        signed = await client.post(
            "/console/sign-in",
            data={"org": "telco", "username": "bench", "password": PASSWORD, "csrf_token": token},
        )
        assert signed.status_code == 303, signed.text
        for name in pages(sample[0]):
            for index, line in enumerate(sample[:WARM_UP] + sample):
                path = pages(line)[name]
                started = time.perf_counter()
                answer = await client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                assert answer.status_code in (200, 303), (
                    path,
                    answer.status_code,
                    answer.text[:500],
                )
                if index >= WARM_UP:
                    times.setdefault(name, []).append(elapsed)
    await app.state.database.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{ROOT / 'var' / f'bench_{args.customers}.db'}"
    (ROOT / "var").mkdir(exist_ok=True)
    prepare(url, args.customers)
    sample = staff_and_sample(url, args.samples)
    times = asyncio.run(measure(url, sample))
    print(f"\n{args.customers:,} customers, {url.split('://')[0]}, {len(sample)} samples per page")
    print("| page | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
    for name, values in times.items():
        ordered = sorted(values)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(f"| {name} | {statistics.median(ordered):.1f} | {p95:.1f} | {ordered[-1]:.1f} |")


if __name__ == "__main__":
    main()
