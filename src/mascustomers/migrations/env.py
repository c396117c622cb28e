"""Alembic environment: the URL comes from the caller's config or from settings."""

from alembic import context
from sqlalchemy import Connection

from mascustomers import models  # noqa: F401  (registers every table on Base.metadata)
from mascustomers.db.base import Base
from mascustomers.db.engine import make_engine
from mascustomers.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename): with foreign keys on, the
        # drop fails as soon as other rows point at the table. SQLite's own procedure for such
        # changes turns them off around the migration (the pragma only works outside a
        # transaction) and runs foreign_key_check before committing.
        _sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left dangling references: {broken[:5]}")
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Straight to the driver: through the connection it would open a transaction first."""
    driver = connection.connection.driver_connection
    if driver is not None and not connection.in_transaction():
        driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
