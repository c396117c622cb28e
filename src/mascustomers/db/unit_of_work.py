"""A committed unit of work outside HTTP requests (CLI commands, scheduler jobs)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mascustomers.db.engine import begin_for_write, make_engine, make_sessionmaker
from mascustomers.settings import Settings


@contextmanager
def unit_of_work(settings: Settings, *, engine: Engine | None = None) -> Iterator[Session]:
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
