"""Migrations are the only source of the schema, and they agree with the models."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from mascustomers import models  # noqa: F401
from mascustomers.db import migrate
from mascustomers.db.base import Base
from mascustomers.db.engine import make_engine
from mascustomers.db.migrate import alembic_config
from mascustomers.models import ScheduledOperation, SubscriptionBonus
from tests.billing.world import MADRID, add_penalty, madrid, make_account, make_line
from tests.catalogue_fixture import (
    BONUS_3GB,
    BONUS_CALLS,
    BONUS_DAY,
    MAIN_10GB,
    load_test_catalogue,
)
from tests.databases import fresh_database_url
from tests.factories import make_org


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1


def test_upgrade_gives_limited_bonuses_stored_without_end_their_end(
    tmp_path: Path, worker_id: str
) -> None:
    """Revision 7b3e9c2d4f10 ends bonuses written before ends were set (and nothing else)."""
    url = fresh_database_url(f"bonus_ends_{worker_id}", tmp_path)
    migrate.upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    long_ago, lately = madrid(2020, 3, 1, 12), now - timedelta(days=10)
    with Session(engine) as session:
        org = make_org(session, slug="migrated")
        load_test_catalogue(session, org, numbers=1, sims=1)
        line = make_line(session, account=make_account(session, org=org), product_id=MAIN_10GB)
        for bonus_id, start in ((BONUS_DAY, long_ago), (BONUS_3GB, lately), (BONUS_CALLS, lately)):
            session.add(
                SubscriptionBonus(
                    subscription_id=line.id,
                    bonus_id=bonus_id,
                    start_at=start,
                    end_at=None,
                    created_at=start,
                )
            )
        session.commit()
        line_id = line.id
    command.downgrade(alembic_config(url), "5d0a1e7c9b21")
    migrate.upgrade(url)

    with Session(engine) as session:
        rows = session.scalars(select(SubscriptionBonus).order_by(SubscriptionBonus.id)).all()
        local = lately.astimezone(MADRID)
        month_later = datetime.combine(local.date() + timedelta(days=30), local.timetz())
        assert [(r.bonus_id, r.end_at, r.ended_by) for r in rows] == [
            (BONUS_DAY, madrid(2020, 3, 2, 12), "migration"),  # ran out long ago
            (BONUS_3GB, month_later.replace(tzinfo=MADRID).astimezone(UTC), None),
            (BONUS_CALLS, None, None),  # renews monthly: no end
        ]
        [operation] = session.scalars(select(ScheduledOperation)).all()
        assert (operation.kind, operation.subscription_id, operation.payload) == (
            "BONUS_END",
            line_id,
            {"bonus_id": BONUS_3GB},
        )
        assert operation.due_at == rows[1].end_at
    engine.dispose()


def test_invoices_upgrade_with_rows_pointing_at_them(tmp_path: Path, worker_id: str) -> None:
    """Revision 4e8b1c6a9d27 rebuilds ``invoice`` on SQLite while penalty lines point at its
    rows (foreign keys are off around the rebuild, checked after); the invoice counter becomes
    the series' counter ``invoice:MM``; old invoices read as F1 without frozen parties."""
    url = fresh_database_url(f"invoices_upgrade_{worker_id}", tmp_path)
    command.upgrade(alembic_config(url), "7c3e9a1d5f20")
    engine = make_engine(url)
    with Session(engine) as session:
        org = make_org(session, slug="migrated")
        account = make_account(session, org=org)
        penalty = add_penalty(session, account=account, value="75.00")
        invoice_id = session.execute(
            text(
                "INSERT INTO invoice (org_id, account_id, number, cycle, cycle_start, cycle_end,"
                " issued_at, value, value_total, status_id, delivery_mode, path) VALUES (:org,"
                " :account, 'MM00000001', '2026-11', :start, :end, :at, 75, 90.75, 1, 'email',"
                " '/x.pdf') RETURNING id"
            ),
            {
                "org": org.id,
                "account": account.id,
                "start": date(2026, 11, 1),
                "end": date(2026, 11, 30),
                "at": datetime(2026, 12, 1, tzinfo=UTC),
            },
        ).scalar_one()
        session.execute(
            text("UPDATE penalty_line SET invoice_id = :invoice WHERE id = :line"),
            {"invoice": invoice_id, "line": penalty.id},
        )
        session.execute(
            text("INSERT INTO org_sequence (org_id, name, last_value) VALUES (:org, 'invoice', 1)"),
            {"org": org.id},
        )
        session.commit()
    migrate.upgrade(url)
    with Session(engine) as session:
        row = session.execute(
            text("SELECT number, cycle, invoice_type, issuer_tax_id FROM invoice")
        ).one()
        assert tuple(row) == ("MM00000001", "2026-11", "F1", None)
        assert session.execute(text("SELECT invoice_id FROM penalty_line")).scalar() == invoice_id
        names = session.execute(text("SELECT name FROM org_sequence")).scalars().all()
        assert names == ["invoice:MM"]
    engine.dispose()
