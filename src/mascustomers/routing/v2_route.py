"""The route class of every v2 operation: where a request's database work runs, and ends.

Every package's router is ``APIRouter(route_class=V2Route)`` (FastAPI's own hook): the registry
(``api.registry``) takes the routes as they are built.
"""

import functools
import inspect
import json
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from mascustomers.auth.dependencies import PERMISSION_EXTRA, authenticate
from mascustomers.db import at_commit
from mascustomers.db.database import run_sync
from mascustomers.db.dependencies import (
    READ_ONLY_EXTRA,
    WRITES_EXTRA,
    open_session,
    take_session,
)
from mascustomers.db.engine import begin_for_write, never_waits, share_the_loop
from mascustomers.idempotency import repository as idempotency
from mascustomers.idempotency.keys import HEADER, REPLAYED_HEADER, IdempotentWrite, keyed_write
from mascustomers.routing.operations import operations_by_key
from mascustomers.routing.request_body import BodyGuard, body_guard

log = logging.getLogger(__name__)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Endpoint = Callable[..., Any]


def in_greenlet(endpoint: Endpoint) -> Endpoint:
    """A synchronous endpoint as a coroutine that runs it with ``run_sync`` (its database
    waits become awaits) instead of on FastAPI's thread pool."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await run_sync(endpoint, *args, **kwargs)

    return run


class V2Route(APIRoute):
    """Every v2 request, in order:

    1. Authenticate (a cached key needs no database work; see ``auth.dependencies``).
    2. A writer reads its whole body first, so a slow client never holds the write lock, and
       with an ``Idempotency-Key`` is marked running in this process (409 ``0012`` for a
       duplicate meanwhile).
    3. Open the session; a writer begins as one (SQLite: its turn through the write gate, then
       ``BEGIN IMMEDIATE``) and claims its key — the stored answer is replayed, or the key is
       locked for this transaction (``idempotency.repository.claim``); a reader's session
       refuses writes and, on PostgreSQL, reads outside a transaction (``db.readers``).
    4. A body that is sent is checked where the operation's body is optional or absent
       (``routing.request_body``), then the handler runs; its synchronous endpoint runs in a
       greenlet (``in_greenlet``) — except a reader on SQLite, whose work can never wait
       (``db.database.never_waits``).
    5. The answer is stored with the key and the transaction commits, before the response is
       sent: a client never sees a 2xx for work that is not committed, and a crash leaves
       either nothing or the work with its answer. Any error rolls everything back. GETs that
       store what they compute (the reference's penalty computations, ``x-writes``) are
       writers.
    """

    def __init__(self, path: str, endpoint: Endpoint, **kwargs: Any) -> None:
        if "{orgId}" in path and "orgId" not in inspect.signature(endpoint).parameters:
            # Handlers take the caller (``auth.caller.CallerDep``), never the org's slug.
            extra = kwargs.get("openapi_extra") or {}
            kwargs["openapi_extra"] = {
                **extra,
                "parameters": [*extra.get("parameters", ()), ORG_IN_PATH],
            }
        super().__init__(path, in_greenlet(endpoint), **_as_in_the_reference(path, kwargs))
        if PERMISSION_EXTRA not in (self.openapi_extra or {}):
            raise RuntimeError(f"route {path} declares no permission")

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        guard = body_guard(self)
        # POST searches (users/tree) declare x-read-only and need no write lock; GETs that
        # store what they compute (penalties) declare x-writes.
        extra = self.openapi_extra or {}
        writes = bool(extra.get(WRITES_EXTRA)) or (
            bool(WRITE_METHODS & set(self.methods or ())) and not extra.get(READ_ONLY_EXTRA)
        )

        async def in_transaction(request: Request) -> Response:
            await share_the_loop()
            auth = await authenticate(request)
            if not writes:
                with never_waits(request.app.state.database.is_sqlite):
                    return await run_in_transaction(
                        handler, request, open_session(request, reader=True), None, guard=guard
                    )
            body = await request.body()
            write = keyed_write(
                # Keys are for the write methods (Stripe's rule); a GET is never replayed.
                request.headers.get(HEADER) if request.method in WRITE_METHODS else None,
                org_id=auth.org_id,
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                body=body,
            )
            with request.app.state.running_keys.running(write):
                session = open_session(request)
                return await run_in_transaction(
                    handler, request, session, write, guard=guard, writer=True
                )

        return in_transaction


# The path's org, declared once for every operation under ``/v2/orgs/{orgId}``: it must be the
# API key's (``auth.dependencies.authenticate`` checks it before the handler), and the handler
# knows it as its caller's. Documented, not solved per request as a FastAPI parameter: a
# dependency for it cost ~5 % of a read (docs/architecture.md).
ORG_IN_PATH: dict[str, Any] = {
    "name": "orgId",
    "in": "path",
    "required": True,
    "description": "organization name",
    "schema": {"type": "string", "title": "Orgid", "description": "organization name"},
}


def _as_in_the_reference(path: str, route: dict[str, Any]) -> dict[str, Any]:
    """The route's tag, summary, operation id, deprecation and permission, as the reference's
    operation has them (``routing.operations``); an extension declares its own."""
    for method in route.get("methods") or ():
        operation = operations_by_key().get((method, path))
        if operation is None:
            continue
        return {
            **route,
            "tags": [operation.tag],
            "summary": operation.summary,
            "operation_id": operation.operation_id,
            "deprecated": operation.deprecated or None,
            "openapi_extra": {
                **(route.get("openapi_extra") or {}),
                PERMISSION_EXTRA: operation.permission.value,
            },
        }
    return route


async def run_in_transaction(
    handler: Callable[[Request], Coroutine[Any, Any, Response]],
    request: Request,
    session: Session,
    write: IdempotentWrite | None,
    *,
    guard: BodyGuard | None = None,
    writer: bool = False,
) -> Response:
    """Steps 3-5 of ``V2Route`` (the console's route runs its pages through them too)."""
    settings = request.app.state.settings
    try:
        if writer:
            stored = await run_sync(_begin_writer, session, write, settings.idempotency_key_hours)
            if stored is not None:
                await run_sync(_end, request.scope, commit=False)
                return stored
        if guard is not None:
            await guard(request)
        response = await handler(request)
        await run_sync(_finish, request.scope, write, response)
    except BaseException:
        try:
            await run_sync(_end, request.scope, commit=False)
        except Exception:  # the connection may be gone (an outage): the first error counts
            log.debug("could not roll the request back", exc_info=True)
        raise
    request.app.state.outage.succeeded()
    return response


def _begin_writer(
    session: Session, write: IdempotentWrite | None, key_hours: int
) -> Response | None:
    begin_for_write(session)
    if write is None:
        return None
    expired_before = datetime.now(UTC) - timedelta(hours=key_hours)
    stored = idempotency.claim(session, write, expired_before=expired_before)
    if stored is None:
        return None
    headers = {REPLAYED_HEADER: "true"}
    if stored.empty:
        return Response(status_code=stored.status_code, headers=headers)
    return JSONResponse(stored.body, status_code=stored.status_code, headers=headers)


def _finish(scope: Any, write: IdempotentWrite | None, response: Response) -> None:
    session = take_session(scope)
    if session is None:
        return
    try:
        if write is not None and response.status_code < 500:
            idempotency.store(
                session,
                write,
                status_code=response.status_code,
                body=_document(response),
                now=datetime.now(UTC),
            )
        if session.in_transaction():
            session.commit()
        _show_numbers_taken_at_commit(response, at_commit.settled_values(session))
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _show_numbers_taken_at_commit(response: Response, values: dict[str, str]) -> None:
    """The response was built before the commit: numbers taken as it committed show there as
    their stand-ins (``db.at_commit``), replaced here by their values."""
    body = getattr(response, "body", b"")
    if not values or not body:
        return
    shown = at_commit.resolve(bytes(body), values)
    response.body = shown
    response.headers["content-length"] = str(len(shown))


def _end(scope: Any, *, commit: bool) -> None:
    """Commit (or roll back) and close the request's session, if it still has one."""
    session = take_session(scope)
    if session is None:
        return
    try:
        if commit and session.in_transaction():
            session.commit()
    finally:
        session.close()


def _document(response: Response) -> Any:
    body = getattr(response, "body", b"")
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None
