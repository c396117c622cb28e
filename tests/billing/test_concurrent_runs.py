"""Ten billing runs of one cycle at once, on a database with committed data: every account
billed once, invoice numbers without gaps, and the records one chain (one previous record
each), on SQLite and PostgreSQL. Then ``mascustomers billing verify-chain`` on that database,
before and after one record is tampered with."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing.service import OrgRef
from mascustomers.cli.main import app as cli
from mascustomers.db import migrate
from mascustomers.db.engine import begin_for_write, make_engine, make_sessionmaker
from mascustomers.models import BillingRecord, Invoice, Org
from tests.billing.issued import CLOSED, NOVEMBER, customer_account, tamper
from tests.catalogue_fixture import ISSUER_TAX_ID, load_test_catalogue
from tests.databases import fresh_database_url
from tests.factories import make_org

RUNS = 10
ACCOUNTS = 60


@pytest.fixture
def billed_world(
    tmp_path: Path, worker_id: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, int, str]]:
    url = fresh_database_url(f"billing_runs_{worker_id}", tmp_path)
    migrate.upgrade(url)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    engine = make_engine(url)
    with Session(engine) as session:
        org = make_org(session, slug="telco")
        load_test_catalogue(session, org, numbers=1, sims=1)
        for _ in range(ACCOUNTS):
            customer_account(session, org=org)
        session.commit()
        org_id = org.id
    yield engine, org_id, url
    engine.dispose()


def _run(engine: Engine, org_id: int) -> int:
    """One billing run in its own session, small batches so that runs interleave."""
    session = make_sessionmaker(engine)()
    try:
        begin_for_write(session)
        org = session.get(Org, org_id)
        assert org is not None
        run = billing_jobs.run_cycle(
            session, org=OrgRef.of(org), cycle=NOVEMBER, now=CLOSED, batch_size=4
        )
        session.commit()
        return run.invoices
    finally:
        session.close()


def test_concurrent_runs_number_without_gaps_and_keep_one_chain(
    billed_world: tuple[Engine, int, str],
) -> None:
    engine, org_id, _ = billed_world
    with ThreadPoolExecutor(RUNS) as pool:
        issued = list(pool.map(lambda _: _run(engine, org_id), range(RUNS)))
    assert sum(issued) == ACCOUNTS  # each account once, whichever run billed it
    with Session(engine) as session:
        numbers = session.scalars(select(Invoice.number).order_by(Invoice.number)).all()
        assert numbers == [f"MM{n:08d}" for n in range(1, ACCOUNTS + 1)]
        accounts = session.scalar(select(func.count(func.distinct(Invoice.account_id))))
        assert accounts == ACCOUNTS
        chain = session.scalars(select(BillingRecord).order_by(BillingRecord.chain_seq)).all()
        assert [record.chain_seq for record in chain] == list(range(1, ACCOUNTS + 1))
        assert sorted(record.number for record in chain) == numbers
        assert chain[0].previous_hash is None
        for before, record in pairwise(chain):
            assert record.previous_hash == before.hash
            assert record.generated_at >= before.generated_at
        assert len({record.hash for record in chain}) == ACCOUNTS


def test_verify_chain_reports_the_tampered_record(billed_world: tuple[Engine, int, str]) -> None:
    engine, org_id, _ = billed_world
    _run(engine, org_id)
    runner = CliRunner()
    intact = runner.invoke(cli, ["billing", "verify-chain", "--org", "telco"])
    assert intact.exit_code == 0, intact.output
    assert intact.output == f"chain {ISSUER_TAX_ID}: {ACCOUNTS} records, intact\n"

    with Session(engine) as session:
        target = session.scalars(select(BillingRecord).where(BillingRecord.chain_seq == 17)).one()
        tamper(
            session,
            "UPDATE billing_record SET number = 'MM00000099' WHERE id = :id",
            id=target.id,
        )
        session.commit()
        record_id = target.id
    broken = runner.invoke(cli, ["billing", "verify-chain", "--org", "telco"])
    assert broken.exit_code == 1
    assert broken.output.startswith(
        f"chain {ISSUER_TAX_ID}: broken at record 17 (id {record_id}, MM00000099): "
        "stored fingerprint "
    )
    assert broken.output.endswith("(16 records before it are intact)\n")


def test_records_are_handed_over_once_to_the_file_drop(
    billed_world: tuple[Engine, int, str], tmp_path: Path
) -> None:
    engine, org_id, _ = billed_world
    _run(engine, org_id)
    runner = CliRunner()
    drop = tmp_path / "drop"
    first = runner.invoke(cli, ["billing", "submit", "--org", "telco", "--drop-dir", str(drop)])
    assert first.exit_code == 0, first.output
    files = sorted(path.name for path in drop.iterdir())
    assert files == [f"{ISSUER_TAX_ID}_0000000001-{ACCOUNTS:010d}.xml"]
    again = runner.invoke(cli, ["billing", "submit", "--org", "telco", "--drop-dir", str(drop)])
    assert again.output == "nothing to hand over\n"
    out = tmp_path / "records.xml"
    exported = runner.invoke(
        cli, ["billing", "records-xml", "--org", "telco", "--out", str(out), "--limit", "1000"]
    )
    assert exported.exit_code == 0, exported.output
    assert out.read_bytes() == (drop / files[0]).read_bytes()
