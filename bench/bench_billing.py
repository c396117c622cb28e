"""Billing-run benchmark: accounts billed per second and peak memory.

    .venv/bin/python bench/bench_billing.py [--accounts 100000] [--batch-size 500]
        [--tracemalloc] [--keep] [--records on|off|both] [--skip-sqlite]

Generates N postpaid accounts with 1-3 lines each into a fresh SQLite file with bulk Core
inserts (tariff changes, bonuses, financed terminals, promotions, penalties, Canarias
accounts mixed in), then bills cycle 2026-10 in a separate process and prints accounts/s,
invoices, lines and that process's peak resident memory (VmHWM; with ``--tracemalloc`` also
the Python heap peak, slower). With ``MASCUSTOMERS_BENCH_DATABASE_URL`` set to a PostgreSQL
URL, the same runs on a fresh database named ``<its name>_bench_billing`` (dropped and
created). Never part of CI.

Every invoice gets its frozen parties and its VERI*FACTU record with its chained fingerprint
(``--records on``, the default). ``--records off`` bills without appending the records (the
record step replaced by a no-op: a comparison, never a production setting); ``both`` runs each
on a freshly generated database and prints the ratio.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, make_url, select, text

from mascustomers.db import migrate
from mascustomers.db.engine import begin_for_write, make_engine, make_sessionmaker
from mascustomers.models import (
    Account,
    AccountTax,
    AppliedPromotion,
    BillingRecord,
    CatalogueBonus,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    CatalogueTaxRule,
    ComputedPenalty,
    Customer,
    Invoice,
    InvoiceIssuer,
    InvoiceLine,
    Org,
    PenaltyLine,
    Sell,
    Subscription,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionTerminal,
    User,
)

MADRID = ZoneInfo("Europe/Madrid")
CYCLE = "2026-10"
OPENED = datetime(2026, 6, 1, 9, tzinfo=UTC)
PRODUCTS = {1: "10.00", 2: "15.00", 3: "22.00", 4: "12.00"}
CHUNK = 5000
D = Decimal


def madrid(day: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, tzinfo=MADRID).astimezone(UTC)


def fresh_url(base: str | None, tmp: Path) -> str:
    if not base:
        for stale in tmp.glob("bench_billing.db*"):
            stale.unlink()
        return f"sqlite:///{tmp / 'bench_billing.db'}"
    url = make_url(base)
    name = f"{url.database}_bench_billing"
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def seed_catalogue(conn: Connection) -> int:
    org_id = conn.execute(
        insert(Org)
        .values(
            slug="telco", name="Bench", timezone="Europe/Madrid", is_sandbox=True, created_at=OPENED
        )
        .returning(Org.id)
    ).scalar_one()
    conn.execute(
        insert(CatalogueProduct),
        [
            {
                "org_id": org_id,
                "product_id": pid,
                "name": f"TARIFA {pid}",
                "subscription_type_id": 2,
                "billing_type_ids": [1],
                "monthly_price": Decimal(price),
                "bundle_only": False,
                "service_ids": [1],
                "compatible_product_ids": [],
            }
            for pid, price in PRODUCTS.items()
        ],
    )
    conn.execute(
        insert(CatalogueBonus).values(
            org_id=org_id,
            bonus_id=10,
            name="BONO 3GB",
            price=Decimal("3.00"),
            duration_days=30,
            compatible_product_ids=[],
        )
    )
    conn.execute(
        insert(CataloguePromotion),
        [
            {
                "org_id": org_id,
                "promotion_id": 50,
                "code": "P50",
                "name": "50 % 12 MESES",
                "level": "subscription",
                "benefit_type": "percentage",
                "benefit_value": Decimal("50"),
                "compatible_product_ids": [],
            },
            {
                "org_id": org_id,
                "promotion_id": 51,
                "code": "A5",
                "name": "5 E CLIENTE",
                "level": "account",
                "benefit_type": "amount",
                "benefit_value": Decimal("5.00"),
                "compatible_product_ids": [],
            },
        ],
    )
    conn.execute(
        insert(CatalogueDevice).values(
            org_id=org_id,
            catalogue_id=7001,
            model_id=1,
            name="Phone",
            model="128GB",
            category="SMARTPHONE",
            terminal_code="PV1",
            price=Decimal("600.00"),
        )
    )
    conn.execute(
        insert(CatalogueTaxRule),
        [
            {
                "org_id": org_id,
                "state_id": 0,
                "tax_name": "IVA",
                "tax_rate": Decimal("21"),
                "terminal_tax_rate": Decimal("21"),
            },
            {
                "org_id": org_id,
                "state_id": 35,
                "tax_name": "IGIC",
                "tax_rate": Decimal("7"),
                "terminal_tax_rate": Decimal("7"),
            },
        ],
    )
    conn.execute(
        insert(InvoiceIssuer).values(
            org_id=org_id,
            legal_name="Bench Telecom, S.A.",
            tax_id="A39200019",
            street="Paseo de la Castellana 100",
            postal_code="28046",
            locality="Madrid",
            province="Madrid",
            country_code="ES",
            series="MM",
            rectifying_series="MMR",
            simplified_invoices=False,
            payment_days=10,
            updated_at=OPENED,
        )
    )
    return int(org_id)


# Columns of the generated rows, in the order the tuples below give them.
COLUMNS = {
    Customer: "id org_id uuid type_id sector_id document_type_id document_value login_blocked "
    "created_at",
    User: "id org_id customer_id role first_name last_name street_name street_number "
    "postal_code locality state_id created_at",
    Account: "id org_id customer_id owner_user_id account_number billing_type_id status_id "
    "state_id activated_at payment_method iban delivery_mode created_at",
    AccountTax: "id account_id state_id description tax_value tax_terminal_value start_at end_at",
    Subscription: "id org_id uuid account_id sell_id type_id status_id origin_id "
    "identification_nr user_id product_id sell_at activated_at ended_at",
    SubscriptionProduct: "id subscription_id product_id started_at ended_at reason",
    SubscriptionBonus: "id subscription_id bonus_id start_at end_at created_at",
    SubscriptionTerminal: "id org_id subscription_id catalogue_id reservation_id status_id "
    "request_type price upfront_fee financed monthly_fee installments last_installment_fee "
    "installments_billed created_at",
    AppliedPromotion: "id org_id promotion_id level account_id subscription_id start_at end_at",
    ComputedPenalty: "id org_id account_id reason status mobile_operator_id computed_at "
    "confirmed_at",
    PenaltyLine: "id computed_penalty_id type value description mandatory confirmed",
}
Rows = dict[Any, list[tuple[Any, ...]]]


class Generator:
    """Deterministic accounts with 1-3 lines and a mix of what billing prices."""

    def __init__(self, org_id: int, sell_id: int) -> None:
        self.org_id, self.sell_id = org_id, sell_id
        self.rng = random.Random(7)
        self.last: dict[Any, int] = {}

    def id(self, model: Any) -> int:
        self.last[model] = self.last.get(model, 0) + 1
        return self.last[model]

    def chunks(self, accounts: int) -> Iterator[Rows]:
        for first in range(0, accounts, CHUNK):
            rows: Rows = {model: [] for model in COLUMNS}
            for n in range(first, min(first + CHUNK, accounts)):
                self.account(rows, n)
            yield rows

    def account(self, rows: Rows, n: int) -> None:
        org, rng = self.org_id, self.rng
        customer, user, account = self.id(Customer), self.id(User), self.id(Account)
        canarias = rng.random() < 0.05
        state, tax, rate = (35, "IGIC", D("7")) if canarias else (28, "IVA", D("21"))
        rows[Customer].append(
            (customer, org, str(uuid.uuid4()), 1, 1, 1, f"{n:08d}X", False, OPENED)
        )
        rows[User].append(
            (user, org, customer, "owner", "Ana", f"García {n}", "Calle Mayor", str(n % 200),
             "28013", "Madrid", state, OPENED)
        )  # fmt: skip
        rows[Account].append(
            (account, org, customer, user, f"MM-{n:07d}", 1, 3, state, OPENED, "BANK_ACCOUNT",
             "ES9121000418450200051332", "email", OPENED)
        )  # fmt: skip
        rows[AccountTax].append(
            (self.id(AccountTax), account, state, tax, rate, rate, OPENED, None)
        )
        for _ in range(rng.choice((1, 1, 2, 3))):
            self.line(rows, account, user)
        if rng.random() < 0.05:
            promotion = (self.id(AppliedPromotion), org, 51, "account", account, None, OPENED, None)
            rows[AppliedPromotion].append(promotion)
        if rng.random() < 0.02:
            penalty = self.id(ComputedPenalty)
            rows[ComputedPenalty].append(
                (penalty, org, account, "cancel", "CONFIRMED", 1, madrid(5), madrid(5))
            )
            rows[PenaltyLine].append(
                (self.id(PenaltyLine), penalty, "commitment", D("75.00"), "PENALTY", True, True)
            )

    def line(self, rows: Rows, account: int, user: int) -> None:
        org, rng = self.org_id, self.rng
        line = self.id(Subscription)
        activated = madrid(rng.randint(2, 28)) if rng.random() < 0.1 else OPENED
        ended = madrid(rng.randint(2, 30)) if rng.random() < 0.05 else None
        product = rng.choice(tuple(PRODUCTS))
        rows[Subscription].append(
            (line, org, str(uuid.uuid4()), account, self.sell_id, 2, 7 if ended else 3, 1,
             f"6{line:08d}", user, product, OPENED, activated, ended)
        )  # fmt: skip
        if rng.random() < 0.1:  # tariff change on the 15th
            rows[SubscriptionProduct] += [
                (self.id(SubscriptionProduct), line, product, OPENED, madrid(15), "ALTA"),
                (self.id(SubscriptionProduct), line, product % 4 + 1, madrid(15), None, "CAMBIO"),
            ]
        else:
            rows[SubscriptionProduct].append(
                (self.id(SubscriptionProduct), line, product, OPENED, None, "ALTA")
            )
        if rng.random() < 0.2:
            start = madrid(rng.randint(1, 28))
            rows[SubscriptionBonus].append(
                (self.id(SubscriptionBonus), line, 10, start, None, start)
            )
        if rng.random() < 0.15:
            rows[SubscriptionTerminal].append(
                (self.id(SubscriptionTerminal), org, line, 7001, str(uuid.uuid4()), 3, "captacion",
                 D("600.00"), D("0.00"), True, D("25.00"), 24, D("25.00"), rng.randint(0, 23),
                 OPENED)
            )  # fmt: skip
        if rng.random() < 0.25:
            start = madrid(rng.randint(1, 28), rng.choice((9, 10)))
            rows[AppliedPromotion].append(
                (self.id(AppliedPromotion), org, 50, "subscription", account, line, start, None)
            )


def populate(url: str, accounts: int) -> int:
    migrate.upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        org_id = seed_catalogue(conn)
        sell_id = conn.execute(
            insert(Sell)
            .values(
                org_id=org_id,
                kind="SIGNUP",
                status="COMPLETED",
                risk_decision="a",
                request={},
                created_at=OPENED,
                created_by="bench",
            )
            .returning(Sell.id)
        ).scalar_one()
    for rows in Generator(org_id, sell_id).chunks(accounts):
        with engine.begin() as conn:
            for model, columns in COLUMNS.items():
                names = columns.split()
                if rows[model]:
                    conn.execute(
                        insert(model), [dict(zip(names, row, strict=True)) for row in rows[model]]
                    )
    if url.startswith("postgresql"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    print(f"generated {accounts} accounts in {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()
    return org_id


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ``ru_maxrss`` would include the parent's)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bill(url: str, batch_size: int, trace: bool, records: bool) -> dict[str, Any]:
    """Run in a fresh process so that its peak memory is the billing run's own."""
    from mascustomers.billing import issuing, jobs
    from mascustomers.billing.cycles import Cycle
    from mascustomers.billing.service import OrgRef

    if not records:
        # The comparison run: everything but the records and their fingerprints.
        issuing.append_records = lambda *args, **kwargs: None  # type: ignore[assignment]

    engine = make_engine(url)
    session = make_sessionmaker(engine)()
    begin_for_write(session)
    org = session.scalars(select(Org).where(Org.slug == "telco")).one()
    baseline = peak_rss_mb()
    if trace:
        tracemalloc.start()
    cpu_started = time.process_time()
    started = time.perf_counter()
    run = jobs.run_cycle(
        session,
        org=OrgRef.of(org),
        cycle=Cycle.parse(CYCLE),
        now=datetime(2026, 11, 1, 9, tzinfo=UTC),
        batch_size=batch_size,
    )
    session.commit()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    heap_peak = tracemalloc.get_traced_memory()[1] if trace else None
    lines = session.scalar(select(func.count()).select_from(InvoiceLine))
    invoices = session.scalar(select(func.count()).select_from(Invoice))
    stored_records = session.scalar(select(func.count()).select_from(BillingRecord))
    session.close()
    engine.dispose()
    return {
        "accounts": run.accounts,
        "invoices": run.invoices,
        "invoices_stored": invoices,
        "lines": lines,
        "records": stored_records,
        "batches": run.batches,
        "seconds": round(elapsed, 2),
        "accounts_per_second": round(run.accounts / elapsed),
        # The billing process's own CPU (the machine is shared: wall time varies with load).
        "cpu_seconds": round(cpu, 2),
        "accounts_per_cpu_second": round(run.accounts / cpu),
        "value_total": str(run.value_total),
        "peak_rss_mb_before_run": baseline,
        "peak_rss_mb": peak_rss_mb(),
        "python_heap_peak_mb": round(heap_peak / 2**20, 1) if heap_peak is not None else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--records", choices=("on", "off", "both"), default="on")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--bill", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bill:
        print(json.dumps(bill(args.bill, args.batch_size, args.tracemalloc, args.records != "off")))
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench_billing_"))
    bases: list[str | None] = [] if args.skip_sqlite else [None]
    if os.environ.get("MASCUSTOMERS_BENCH_DATABASE_URL"):
        bases.append(os.environ["MASCUSTOMERS_BENCH_DATABASE_URL"])
    variants = ("on", "off") if args.records == "both" else (args.records,)
    for base in bases:
        rates = {}
        for variant in variants:
            url = fresh_url(base, tmp)
            populate(url, args.accounts)
            command = [
                sys.executable,
                __file__,
                "--bill",
                url,
                "--batch-size",
                str(args.batch_size),
            ]
            command += ["--records", variant]
            if args.tracemalloc:
                command.append("--tracemalloc")
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            result = json.loads(output.strip().splitlines()[-1])
            result["database"] = url.split(":")[0].split("+")[0]
            result["records_on"] = variant == "on"
            rates[variant] = result["accounts_per_second"]
            print(json.dumps(result, indent=2), flush=True)
        if len(rates) == 2:
            print(f"records on / off: {rates['on'] / rates['off']:.2f}", flush=True)
    if not args.keep:
        for path in tmp.iterdir():
            path.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
