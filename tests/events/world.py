"""A database with committed data (a file, or a PostgreSQL database of its own) for the tests
whose delivery workers are other processes: the API on it through a TestClient, whose
requests commit for real."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.api.app import create_app
from mascustomers.db.engine import make_engine, make_sessionmaker
from mascustomers.settings import Settings
from tests.factories import ApiCaller
from tests.live_server import seed

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CommittedWorld:
    url: str
    api: ApiCaller
    engine: Engine

    def factory(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)


@contextmanager
def committed_world(url: str) -> Iterator[CommittedWorld]:
    key = seed(url, numbers=400, sims=400)
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    engine = make_engine(url)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield CommittedWorld(url, ApiCaller(client, key, "telco"), engine)
    finally:
        engine.dispose()
        app.state.engine.dispose()


def worker_process(
    url: str, name: str, *, lease: float = 30.0, batch: int = 10, per_pass: int = 16
) -> subprocess.Popen[str]:
    """``tests.events.worker_process`` in a process of its own (stdout piped)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.events.worker_process",
            url,
            name,
            str(lease),
            str(batch),
            str(per_pass),
        ],
        cwd=ROOT,
        env={**os.environ, "MASCUSTOMERS_LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
