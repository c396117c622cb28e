"""Scheduler fixtures: a file database with committed data, shared by several processes."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.auth.caller import test_clocks
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine, make_sessionmaker
from mascustomers.models import (
    Org,
    ScheduledOperation,
    Subscription,
    SubscriptionBonus,
    SubscriptionProduct,
)
from mascustomers.scheduler import repository as scheduler_repository
from mascustomers.subscriptions.bonus_periods import end_operation
from tests.billing.world import madrid, make_account, make_line
from tests.catalogue_fixture import BONUS_3GB, MAIN_10GB, MAIN_30GB, load_test_catalogue
from tests.databases import fresh_database_url
from tests.factories import make_org

# The file-database scenarios run at a fixed org time (their orgs have test clocks).
T0 = madrid(2027, 3, 10, 9)


@pytest.fixture(autouse=True)
def _forget_test_clocks() -> Iterator[None]:
    """Test clocks live in the database (rolled back) and in this process: forget both."""
    test_clocks.forget()
    yield
    test_clocks.forget()


@dataclass
class FileWorld:
    """A sandbox org with committed data in a database file (or PostgreSQL database)."""

    url: str
    engine: Engine
    factory: sessionmaker[Session]
    org_id: int
    org_slug: str

    def session(self) -> Session:
        return self.factory()

    def set_clock(self, instant: datetime) -> None:
        with self.factory() as session:
            scheduler_repository.store_clock(session, org_id=self.org_id, instant=instant)
            session.commit()

    def schedule_changes(self, count: int, *, due: datetime) -> list[int]:
        """``count`` lines on MAIN_10GB, each with a PRODUCT_CHANGE to MAIN_30GB due ``due``."""
        ids = []
        with self.factory() as session:
            org = session.get(Org, self.org_id)
            assert org is not None
            for _ in range(count):
                account = make_account(session, org=org)
                line = make_line(session, account=account, product_id=MAIN_10GB)
                ids.append(line.id)
                add_operation(
                    session, org_id=self.org_id, kind="PRODUCT_CHANGE", due=due, line=line
                )
            session.commit()
        return ids

    def schedule_bonus_ends(self, count: int, *, end: datetime) -> list[int]:
        """``count`` lines, each with a bonus ending at ``end`` and its BONUS_END operation."""
        ids = []
        with self.factory() as session:
            org = session.get(Org, self.org_id)
            assert org is not None
            for _ in range(count):
                account = make_account(session, org=org)
                line = make_line(session, account=account, product_id=MAIN_10GB)
                ids.append(line.id)
                session.add(
                    SubscriptionBonus(
                        subscription_id=line.id,
                        bonus_id=BONUS_3GB,
                        start_at=end - timedelta(days=30),
                        end_at=end,
                        created_at=end - timedelta(days=30),
                    )
                )
                session.add(
                    ScheduledOperation(
                        **end_operation(
                            org_id=self.org_id,
                            subscription_id=line.id,
                            account_id=line.account_id,
                            bonus_id=BONUS_3GB,
                            end=end,
                            now=end - timedelta(days=30),
                            actor="test",
                        )
                    )
                )
            session.commit()
        return ids

    def bonus_rows(self, subscription_id: int) -> list[tuple[datetime | None, str | None]]:
        with self.factory() as session:
            return [
                (row.end_at, row.ended_by)
                for row in session.scalars(
                    select(SubscriptionBonus).where(
                        SubscriptionBonus.subscription_id == subscription_id
                    )
                )
            ]

    def operations(self) -> list[ScheduledOperation]:
        with self.factory() as session:
            return list(
                session.scalars(
                    select(ScheduledOperation)
                    .where(ScheduledOperation.org_id == self.org_id)
                    .order_by(ScheduledOperation.id)
                ).all()
            )

    def product_rows(self, subscription_id: int) -> list[tuple[int, datetime | None]]:
        with self.factory() as session:
            return [
                (row.product_id, row.ended_at)
                for row in session.scalars(
                    select(SubscriptionProduct)
                    .where(SubscriptionProduct.subscription_id == subscription_id)
                    .order_by(SubscriptionProduct.id)
                )
            ]

    def line(self, subscription_id: int) -> Subscription:
        with self.factory() as session:
            found = session.get(Subscription, subscription_id)
            assert found is not None
            return found


def add_operation(
    session: Session,
    *,
    org_id: int,
    kind: str,
    due: datetime,
    line: Subscription | None = None,
    payload: dict[str, object] | None = None,
) -> ScheduledOperation:
    operation = ScheduledOperation(
        org_id=org_id,
        kind=kind,
        subscription_id=line.id if line else None,
        account_id=line.account_id if line else None,
        payload=payload if payload is not None else {"product_id": MAIN_30GB},
        due_at=due,
        status="PENDING",
        attempts=0,
        created_at=due - timedelta(days=3),
        requested_by="test",
    )
    session.add(operation)
    session.flush()
    return operation


@pytest.fixture(scope="module")
def file_database(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    url = fresh_database_url(f"sched_{worker_id}", Path(tmp_path_factory.mktemp("sched")))
    migrate.upgrade(url)
    return url


@pytest.fixture
def file_world(file_database: str) -> Iterator[FileWorld]:
    """A new sandbox org whose clock is at ``T0``; no other org's operations are pending."""
    engine = make_engine(file_database)
    factory = make_sessionmaker(engine)
    with factory() as session:
        session.execute(delete(ScheduledOperation))
        org = make_org(session, slug=f"s{uuid.uuid4().hex[:10]}")
        load_test_catalogue(session, org, numbers=5, sims=5)
        session.commit()
        world = FileWorld(file_database, engine, factory, org.id, org.slug)
    world.set_clock(T0)
    yield world
    engine.dispose()
