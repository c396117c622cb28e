"""The browser tests' world: the demo org (``mascustomers demo``'s steps) without last month's
billing, which the browser runs; a live uvicorn server on it; staff of each role."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.cli import demo as demo_command
from mascustomers.console.roles import StaffRole
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.demo import sandbox
from mascustomers.settings import Settings
from tests.console.support import PASSWORD, make_staff
from tests.databases import fresh_database_url
from tests.live_server import free_port, start

STAFF = {"admin": StaffRole.ADMIN, "bruno": StaffRole.BACK_OFFICE, "carla": StaffRole.AGENT}


@dataclass(frozen=True)
class World:
    url: str
    key: str
    database_url: str


def build(database_url: str) -> str:
    """The demo's steps with its billing left out; an all-permission key; the staff users."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sandbox, "bill_last_month", lambda *_a, **_k: "billing: left out")
            demo_command.prepare(Settings(database_url=database_url), engine)
        with Session(engine) as session:
            org = auth_repository.get_org_by_slug(session, demo_command.DEMO_ORG)
            assert org is not None
            key = auth_service.create_key(
                session, org=org, name="browser-test", permissions=frozenset(Permission)
            ).secret
            session.commit()
            for username, role in STAFF.items():
                make_staff(session, org_slug=org.slug, username=username, role=role)
    finally:
        engine.dispose()
    return key


@contextmanager
def live_world(tmp: Path, name: str) -> Iterator[World]:
    database_url = fresh_database_url(name, tmp)
    key = build(database_url)
    port = free_port()
    process = start(database_url, port)
    try:
        yield World(f"http://127.0.0.1:{port}", key, database_url)
    finally:
        process.terminate()
        process.wait(timeout=10)


CHROMIUM = os.environ.get("MASCUSTOMERS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "PASSWORD", "World", "live_world"]
