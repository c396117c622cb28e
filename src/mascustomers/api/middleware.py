"""One pure-ASGI middleware for what every request needs: id, size limit, metrics, log, 500s."""

import json
import logging
import os
import re
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mascustomers.api.error_handlers import error_body
from mascustomers.db.database import run_sync
from mascustomers.db.dependencies import take_session
from mascustomers.errors import ErrorCode

log = logging.getLogger("mascustomers.access")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive``; an HTTPException so FastAPI's body parsing lets it through."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class Metrics:
    """Request count and latency by route template and status."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.database_unavailable = Counter(
            "database_unavailable_total",
            "Requests answered 503 because the database was unreachable",
            registry=self.registry,
        )
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def series(self, method: str, route: str, status: int) -> tuple[Any, Any]:
        """The counter and histogram of one label set, looked up once (labels() locks)."""
        key = (method, route, status)
        found = self._series.get(key)
        if found is None:
            labels = (method, route, str(status))
            found = (self.requests.labels(*labels), self.latency.labels(*labels))
            self._series[key] = found
        return found


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, metrics: Metrics) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        state: dict[str, Any] = {"status": 500, "started": False}
        id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                headers = [*message.get("headers", []), id_header]
                if getattr(scope.get("route"), "deprecated", False):
                    headers.append((b"deprecation", b"true"))
                message["headers"] = headers
            await send(message)

        try:
            if _declared_length(scope) > self.max_body_bytes:
                await _send_error(send_with_id, ErrorCode.PAYLOAD_TOO_LARGE, "over 1 MiB")
            else:
                await self.app(scope, self._limited(receive), send_with_id)
        except BodyTooLarge:
            if not state["started"]:
                await _send_error(send_with_id, ErrorCode.PAYLOAD_TOO_LARGE, "over 1 MiB")
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id})
            if not state["started"]:
                await _send_error(
                    send_with_id, ErrorCode.INTERNAL_ERROR, f"request id {request_id}"
                )
        finally:
            # Normally ended by V2Route; this only guards against a leaked session.
            leaked = take_session(scope)
            if leaked is not None:
                await run_sync(leaked.close)
            self._record(scope, state["status"], started, request_id)

    def _limited(self, receive: Receive) -> Receive:
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        return limited_receive

    def _record(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        count, latency = self.metrics.series(scope["method"], template, status)
        count.inc()
        latency.observe(elapsed)
        auth = scope.get("state", {}).get("auth")
        if log.isEnabledFor(logging.INFO):
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "org": getattr(auth, "org_slug", None),
                    "key_name": getattr(auth, "key_name", None),
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(text):
                return text
    return os.urandom(16).hex()


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _send_error(send: Send, error: ErrorCode, detail: str) -> None:
    body = json.dumps(error_body(error, detail)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.http_status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
