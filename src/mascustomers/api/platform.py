"""Liveness, readiness, metrics and the local API docs: no API key needed."""

import anyio
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, text

from mascustomers.api.working_examples import read_working_examples, served_document
from mascustomers.db.database import run_sync

router = APIRouter(tags=["Platform"])


@router.get("/health/live", include_in_schema=False)
async def live() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/health/ready", include_in_schema=False)
async def ready(request: Request) -> JSONResponse:
    """The process can reach its database (through the request path's engine)."""
    try:
        await run_sync(_ping, request.app.state.database.request_engine)
    except Exception as exc:  # any database failure means not ready
        return JSONResponse({"status": "unavailable", "detail": type(exc).__name__}, 503)
    return JSONResponse({"status": "ok"})


def _ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: request count and latency by route and status."""
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )


@router.get("/v2/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> JSONResponse:
    """The OpenAPI document, with the demo org's working examples read from the database
    (the reads in a greenlet like any request's, the document built on a worker thread)."""
    found = await run_sync(read_working_examples, request.app)
    document = await anyio.to_thread.run_sync(served_document, request.app, found)
    return await anyio.to_thread.run_sync(JSONResponse, document)


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/v2/openapi.json",
        title="mascustomers — Customers API v2",
        swagger_js_url="/docs/static/swagger-ui-bundle.js",
        swagger_css_url="/docs/static/swagger-ui.css",
        swagger_favicon_url="/docs/static/favicon.png",
    )
