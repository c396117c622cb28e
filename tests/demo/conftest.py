"""A fresh demo database, made by ``mascustomers demo`` as ``make run`` makes it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mascustomers.api.app import create_app
from mascustomers.cli.main import app as cli
from mascustomers.settings import Settings
from tests.databases import fresh_database_url


@pytest.fixture
def demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_id: str
) -> Iterator[tuple[TestClient, str]]:
    url = fresh_database_url(f"demo_{worker_id}", tmp_path)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    made = CliRunner().invoke(cli, ["demo"])
    assert made.exit_code == 0, made.output
    key = next(line.split(": ")[1] for line in made.output.splitlines() if "API key" in line)
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, key
    app.state.engine.dispose()
