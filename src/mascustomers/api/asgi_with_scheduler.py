"""The API with the scheduler loop in-process: ``mascustomers serve --with-scheduler``.

``uvicorn mascustomers.api.asgi_with_scheduler:app`` serves the same app as
``mascustomers.api.asgi`` and runs the scheduler on a background thread for the app's lifetime
(started and stopped in the lifespan). With several workers each runs a loop; leases keep them
from running an operation twice.
"""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from mascustomers.api.app import create_app
from mascustomers.db.engine import make_sessionmaker
from mascustomers.scheduler.loop import BackgroundScheduler, SchedulerLoop


def with_scheduler(app: FastAPI) -> FastAPI:
    """Run the scheduler loop on its own thread while ``app`` is up."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        background = BackgroundScheduler(SchedulerLoop(make_sessionmaker(application.state.engine)))
        async with inner(application) as state:
            background.start()
            application.state.scheduler = background
            try:
                yield state
            finally:
                await asyncio.to_thread(background.stop)

    app.router.lifespan_context = lifespan
    return app


app = with_scheduler(create_app())
# As in mascustomers.api.asgi: start-up objects out of the collector's full passes.
gc.freeze()
