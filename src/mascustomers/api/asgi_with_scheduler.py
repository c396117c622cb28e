"""The API with the scheduler loop in-process: ``mascustomers serve --with-scheduler``.

``uvicorn mascustomers.api.asgi_with_scheduler:app`` serves the same app as
``mascustomers.api.asgi`` and runs the scheduler on a background thread for the app's lifetime
(started and stopped in the lifespan), and the webhook delivery worker on another. With several
workers each runs both; leases keep them from running an operation twice or sending to an
endpoint at once.
"""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from mascustomers.api.app import create_app
from mascustomers.db.engine import make_sessionmaker
from mascustomers.events.delivery import BackgroundDelivery, DeliveryWorker
from mascustomers.scheduler.config import SchedulerConfig
from mascustomers.scheduler.loop import BackgroundScheduler, SchedulerLoop


def with_scheduler(app: FastAPI) -> FastAPI:
    """Run the scheduler loop on its own thread while ``app`` is up."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        factory = make_sessionmaker(application.state.engine)
        config = SchedulerConfig(
            idempotency_key_hours=application.state.settings.idempotency_key_hours
        )
        background = BackgroundScheduler(SchedulerLoop(factory, config=config))
        delivery = BackgroundDelivery(DeliveryWorker(factory))
        async with inner(application) as state:
            background.start()
            delivery.start()
            application.state.scheduler = background
            try:
                yield state
            finally:
                await asyncio.to_thread(delivery.stop)
                await asyncio.to_thread(background.stop)

    app.router.lifespan_context = lifespan
    return app


app = with_scheduler(create_app())
# As in mascustomers.api.asgi: start-up objects out of the collector's full passes.
gc.freeze()
