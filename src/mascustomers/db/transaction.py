"""A committed writing transaction outside HTTP requests (CLI commands, the demo).

HTTP requests have theirs from their route (``routing.v2_route``); scheduler jobs from the runner.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mascustomers.db.engine import begin_for_write, make_engine, make_sessionmaker
from mascustomers.settings import Settings


@contextmanager
def write_transaction(settings: Settings, *, engine: Engine | None = None) -> Iterator[Session]:
    """One writing transaction: committed on success, rolled back on any error."""
    own_engine = engine is None
    engine = engine or make_engine(settings.database_url, settings=settings)
    session = make_sessionmaker(engine)()
    try:
        begin_for_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if own_engine:
            engine.dispose()
