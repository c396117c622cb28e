"""``create_app(settings)``: the whole HTTP service."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from mascustomers.accounts import endpoints as accounts
from mascustomers.api import platform
from mascustomers.api.error_handlers import install_error_handlers
from mascustomers.api.log_format import configure_logging
from mascustomers.api.loop_lag import LoopLag
from mascustomers.api.middleware import Metrics, RequestContextMiddleware
from mascustomers.api.openapi_document import build_openapi
from mascustomers.api.registry import mount_v2
from mascustomers.auth.dependencies import KeyCache
from mascustomers.billing import endpoints as billing
from mascustomers.billing import invoice_endpoints as invoices
from mascustomers.catalog import endpoints as catalog
from mascustomers.clocks import endpoints as clocks
from mascustomers.console.mount import mount_console
from mascustomers.customers import endpoints as customers
from mascustomers.db.availability import Outage
from mascustomers.db.checkpoints import Checkpointer
from mascustomers.db.database import Database
from mascustomers.events import endpoints as events
from mascustomers.idempotency.keys import RunningKeys
from mascustomers.inventory import endpoints as inventory
from mascustomers.ops import endpoints as ops
from mascustomers.orders import endpoints as orders
from mascustomers.penalties import endpoints as penalties
from mascustomers.settings import Settings, get_settings
from mascustomers.signups import endpoints as signups
from mascustomers.subscriptions import endpoints as subscriptions

DESCRIPTION = """
Stateful implementation of the Customers API v2 (release 2.38). Every operation needs an API
key (`x-api-key` header or `Authorization: Bearer`) bound to the path's org and carrying the
permission named by the operation's tag. Errors are `ErrorMessage` objects with a zero-padded
string `code`.
"""

_DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"


def implemented_routers() -> list[APIRouter]:
    """Routers of the operations that are built; everything else is served as a 501 stub."""
    return [
        signups.router,
        customers.router,
        accounts.router,
        subscriptions.router,
        penalties.router,
        orders.router,
        ops.router,
        billing.router,
        invoices.router,
        clocks.router,
        inventory.router,
        events.router,
        catalog.router,
    ]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """SQLite: WAL checkpoints on a thread of their own while the app serves (request
    connections do not checkpoint at commit). The event loop's lag is measured (/metrics).
    On shutdown the app's engines are disposed of."""
    database: Database = app.state.database
    checkpointer = Checkpointer(database.engine) if database.is_sqlite else None
    if checkpointer is not None:
        checkpointer.start()
    lag: LoopLag = app.state.loop_lag
    lag.start()
    try:
        yield
    finally:
        await lag.stop()
        if checkpointer is not None:
            checkpointer.stop()
        if app.state.owns_database:
            await database.dispose()


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, as_json=settings.log_json)
    database = Database(settings, engine=engine)
    app = FastAPI(
        title="mascustomers — Customers API v2",
        version="2.38.0",
        description=DESCRIPTION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.engine = database.engine
    app.state.sessionmaker = database.sessionmaker
    app.state.owns_database = engine is None
    app.state.key_cache = KeyCache(settings.api_key_cache_seconds)
    app.state.running_keys = RunningKeys()
    app.state.outage = Outage()
    app.state.metrics = Metrics()
    app.state.loop_lag = LoopLag(app.state.metrics.registry)
    install_error_handlers(app)
    # The v2 routes first: every request is matched in route order, and they are the traffic.
    stubbed = mount_v2(app, implemented_routers())
    app.include_router(platform.router)
    mount_console(app)
    app.mount("/docs/static", StaticFiles(directory=_DOCS_ASSETS), name="docs-static")
    app.state.stubbed = stubbed

    def openapi() -> dict[str, Any]:
        return build_openapi(app, stubbed)

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        metrics=app.state.metrics,
    )
    return app
