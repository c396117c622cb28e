"""Test databases: SQLite files, or PostgreSQL databases named after the run's base URL."""

import os
from pathlib import Path

from sqlalchemy import make_url, text

from mascustomers.db.engine import make_engine

BASE_URL_VARIABLE = "MASCUSTOMERS_TEST_DATABASE_URL"


def on_postgres() -> bool:
    return bool(os.environ.get(BASE_URL_VARIABLE))


def fresh_database_url(suffix: str, sqlite_dir: Path) -> str:
    """An empty database: ``<base>_<suffix>`` on PostgreSQL, else a new SQLite file."""
    base = os.environ.get(BASE_URL_VARIABLE)
    if not base:
        return f"sqlite:///{sqlite_dir / f'{suffix}.db'}"
    url = make_url(base)
    name = f"{url.database}_{suffix}".replace("-", "_")
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
