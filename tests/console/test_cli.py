"""``mascustomers staff …`` against a real database, and the users signing in with it."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mascustomers.api.app import create_app
from mascustomers.cli.main import app
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.models import StaffUser
from mascustomers.settings import Settings
from tests.console.support import sign_in
from tests.databases import fresh_database_url

runner = CliRunner()
PASSWORD = "a long enough secret"


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_id: str) -> str:
    url = fresh_database_url(f"staff_cli_{worker_id}", tmp_path)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    migrate.upgrade(url)
    assert runner.invoke(app, ["org", "create", "telco", "--sandbox"]).exit_code == 0
    return url


def _staff(*args: str) -> str:
    answer = runner.invoke(app, ["staff", *args])
    assert answer.exit_code == 0, answer.output
    return answer.output


def test_staff_users_made_by_the_cli_sign_in_until_disabled(cli_database: str) -> None:
    _staff(
        "create",
        "--org",
        "telco",
        "--username",
        "ana",
        "--role",
        "back-office",
        "--password",
        PASSWORD,
    )
    assert "ana\tback_office" in _staff("list", "--org", "telco")
    engine = make_engine(cli_database)
    with Session(engine) as session:
        stored = session.scalars(select(StaffUser)).one().password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored

    web = create_app(Settings(database_url=cli_database, log_level="WARNING"))
    with TestClient(web) as client:
        assert sign_in(client, username="ana", password=PASSWORD).status_code == 303
        assert client.get("/console/", follow_redirects=False).status_code == 200
        _staff("disable", "--org", "telco", "--username", "ana")
        assert client.get("/console/", follow_redirects=False).status_code == 303
        assert sign_in(client, username="ana", password=PASSWORD).status_code == 401
    engine.dispose()


def test_the_cli_refuses_bad_staff(cli_database: str) -> None:
    short = runner.invoke(
        app,
        [
            "staff",
            "create",
            "--org",
            "telco",
            "--username",
            "bo",
            "--role",
            "admin",
            "--password",
            "short",
        ],
    )
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    role = runner.invoke(
        app,
        [
            "staff",
            "create",
            "--org",
            "telco",
            "--username",
            "bo",
            "--role",
            "boss",
            "--password",
            PASSWORD,
        ],
    )
    assert role.exit_code == 2
    assert "unknown role" in role.output
    _staff(
        "create", "--org", "telco", "--username", "bo", "--role", "agent", "--password", PASSWORD
    )
    twice = runner.invoke(
        app,
        [
            "staff",
            "create",
            "--org",
            "telco",
            "--username",
            "bo",
            "--role",
            "agent",
            "--password",
            PASSWORD,
        ],
    )
    assert twice.exit_code == 1
    assert "already exists" in twice.output


def test_a_new_password_lifts_a_lock_out(cli_database: str) -> None:
    _staff(
        "create", "--org", "telco", "--username", "ana", "--role", "admin", "--password", PASSWORD
    )
    web = create_app(Settings(database_url=cli_database, log_level="WARNING"))
    with TestClient(web) as client:
        for _ in range(web.state.settings.console_max_failed_logins):
            sign_in(client, username="ana", password="not the password")
        assert sign_in(client, username="ana", password=PASSWORD).status_code == 423
        assert "locked until" in _staff("list", "--org", "telco")
        _staff(
            "password", "--org", "telco", "--username", "ana", "--password", "another long secret"
        )
        assert sign_in(client, username="ana", password="another long secret").status_code == 303
