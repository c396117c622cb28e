"""Test databases: SQLite files, or PostgreSQL databases named after the run's base URL."""

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, make_url, text

from mascustomers.db.engine import make_engine
from mascustomers.db.prepared import PreparedSelect

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


def generic_plans_after_preparing(
    connection: Connection, statement: PreparedSelect[Any], values: dict[str, Any]
) -> tuple[int, int]:
    """PostgreSQL: ``statement`` run as psycopg runs it once prepared, more times than the five
    plans PostgreSQL makes for the values first; then how many times it ran on its generic plan
    and on plans made for its values."""
    compiled = statement._compiled(connection.dialect)
    driver: Any = connection.connection.driver_connection
    for _ in range(8):
        driver.execute(compiled.sql, compiled.parameters(values), prepare=True).fetchall()
    row = driver.execute(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " ORDER BY prepare_time DESC LIMIT 1"
    ).fetchone()
    return int(row[0]), int(row[1])
