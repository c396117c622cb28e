"""Shared fixtures: one migrated database per run, one rolled-back transaction per test.

The database is SQLite (a temporary file) unless ``MASCUSTOMERS_TEST_DATABASE_URL`` names
another one, e.g. ``postgresql+psycopg://postgres@127.0.0.1/mascustomers_test``.
"""

import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from mascustomers.api.app import create_app
from mascustomers.auth import repository as auth_repository
from mascustomers.auth.caller import test_clocks
from mascustomers.cli.main import app as cli
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.kit.clock import clear_org_time, org_time_overrides
from mascustomers.settings import Settings
from tests.catalogue_fixture import load_test_catalogue
from tests.databases import fresh_database_url
from tests.factories import ApiCaller, make_key, make_org

# The query-plan fixture (``captured``) shared by the index-backed read tests.
pytest_plugins = ["tests.query_plans"]


@pytest.fixture(scope="session")
def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """One migrated database per test process (xdist workers get their own)."""
    url = fresh_database_url(f"run_{worker_id}", tmp_path_factory.mktemp("db"))
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, log_json=True, log_level="WARNING")


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url, settings=settings)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose outer transaction is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


@pytest.fixture(scope="session")
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app: FastAPI, connection: Connection) -> Iterator[TestClient]:
    """The app with each request's session joined to the test's transaction."""
    app.state.sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    app.state.key_cache.clear()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def org_slug(session: Session) -> str:
    return make_org(session, slug="telco").slug


@pytest.fixture
def api(client: TestClient, session: Session, org_slug: str) -> ApiCaller:
    """A caller with an all-permission key of org ``telco``."""
    return ApiCaller(client, make_key(session, org_slug=org_slug), org_slug)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture
def catalogue(session: Session, org_slug: str) -> None:
    """The hand-known test catalogue and inventory in org ``telco``."""
    org = auth_repository.get_org_by_slug(session, org_slug)
    assert org is not None
    load_test_catalogue(session, org)
    session.commit()


@pytest.fixture(autouse=True)
def _alone_or_together(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked ``alone`` (a live storm: its latency bounds are the server's, not those of
    a machine shared with the other test worker) runs while no other test of the run does.
    Every test holds a shared lock, an ``alone`` one the exclusive lock; a turnstile taken
    before either keeps new tests from starving an exclusive waiter."""
    alone = request.node.get_closest_marker("alone") is not None
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"solo-{os.getpid()}")
    base = Path(tempfile.gettempdir()) / f"mascustomers-tests-{run}"
    with open(f"{base}.turnstile", "a") as turnstile, open(f"{base}.lock", "a") as lock:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(autouse=True)
def _wall_clock_after_each_test() -> Iterator[None]:
    """Test clocks are process-wide: a test that advanced one must not leak it."""
    yield
    test_clocks.forget()
    for org in list(org_time_overrides()):
        clear_org_time(org)


@pytest.fixture
def demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_id: str
) -> Iterator[tuple[TestClient, str]]:
    """A fresh demo database made by ``mascustomers demo`` (what ``make run`` runs), the app on
    it and the all-permission key the command printed."""
    url = fresh_database_url(f"demo_{worker_id}", tmp_path)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    made = CliRunner().invoke(cli, ["demo"])
    assert made.exit_code == 0, made.output
    key = next(line.split(": ")[1] for line in made.output.splitlines() if "API key" in line)
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, key
    app.state.engine.dispose()
