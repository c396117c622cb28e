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
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


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
