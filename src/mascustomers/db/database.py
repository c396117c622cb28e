"""The database as the request path sees it, and where a request's waits happen.

A request's database work is ordinary synchronous SQLAlchemy code (the same services the CLI and
the scheduler call). The request path runs it with ``run_sync``: inside a greenlet, the bridge
SQLAlchemy's own asyncio extension is built on. Whatever the code waits for inside that greenlet
becomes an await on the event loop — on PostgreSQL every statement's round trip (psycopg 3's async
connections, ``db.engine.make_request_engine``), on SQLite the write lock (``db.write_gate``) —
so the loop keeps serving other requests meanwhile. Domain code does not know which database it
is on, nor that it runs in a greenlet.
"""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.util import greenlet_spawn

from mascustomers.db.engine import (
    is_sqlite,
    make_engine,
    make_request_engine,
    make_sessionmaker,
    runs_inline,
)
from mascustomers.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


async def run_sync(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run synchronous database code from the event loop; its waits become awaits."""
    if runs_inline():
        return fn(*args, **kwargs)
    # greenlet_spawn's own keyword (_require_await) makes mypy reject forwarding P.kwargs.
    return await greenlet_spawn(fn, *args, **kwargs)  # type: ignore[arg-type]


class Database:
    """The engines of one database URL.

    ``engine`` has plain synchronous connections (threads that may block: the in-process
    scheduler, checkpoints); ``sessionmaker`` opens the request path's sessions on the request
    engine. Tests hand in one synchronous engine for both.
    """

    def __init__(self, settings: Settings, *, engine: Engine | None = None) -> None:
        self.url = settings.database_url
        self.is_sqlite = is_sqlite(self.url)
        self._async_engine: AsyncEngine | None = None
        if engine is not None:
            self.engine = self.request_engine = engine
        else:
            self.engine = make_engine(self.url, settings=settings)
            self.request_engine, self._async_engine = make_request_engine(
                self.url, settings=settings
            )
        self.sessionmaker: sessionmaker[Session] = make_sessionmaker(self.request_engine)

    async def dispose(self) -> None:
        if self._async_engine is not None:
            await self._async_engine.dispose()
        elif self.request_engine is not self.engine:
            self.request_engine.dispose()
        self.engine.dispose()
