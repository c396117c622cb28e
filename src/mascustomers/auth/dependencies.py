"""The request-side of authentication: who is calling, and may they call this route."""

import time

from fastapi import Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.auth import service
from mascustomers.auth.context import AuthContext
from mascustomers.auth.permissions import Permission
from mascustomers.db.database import run_sync
from mascustomers.errors import OrgNotAllowed, PermissionDenied, Unauthenticated

PERMISSION_EXTRA = "x-permission"
_MAX_CACHED_KEYS = 10_000


class KeyCache:
    """Authenticated keys kept for a few seconds so most requests skip the key lookup."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._entries: dict[str, tuple[float, AuthContext | None]] = {}

    def get(self, secret: str) -> tuple[bool, AuthContext | None]:
        entry = self._entries.get(secret)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, secret: str, context: AuthContext | None) -> None:
        if len(self._entries) >= _MAX_CACHED_KEYS:
            self._entries.clear()
        self._entries[secret] = (time.monotonic() + self.ttl, context)

    def clear(self) -> None:
        self._entries.clear()


def _secret_from(request: Request) -> str | None:
    secret = request.headers.get("x-api-key")
    if secret:
        return secret.strip()
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def route_permission(route: APIRoute) -> Permission:
    """The permission a route needs, declared in its OpenAPI extra by the registry."""
    extra = route.openapi_extra or {}
    return Permission(extra[PERMISSION_EXTRA])


async def authenticate(request: Request) -> AuthContext:
    """Resolve the key, then check the path's org and the route's permission.

    Called by every v2 route before its handler (``routing.v2_route``). A cached key needs no
    database work at all; on a miss the key is read in a session of its own, closed before
    the request's session opens.
    """
    secret = _secret_from(request)
    if secret is None:
        raise Unauthenticated("send the API key in the x-api-key header")
    cache: KeyCache = request.app.state.key_cache
    found, context = cache.get(secret)
    if not found:
        context = await run_sync(_look_up, request.app.state.sessionmaker, secret)
        cache.put(secret, context)
    if context is None:
        raise Unauthenticated("the API key is not valid")
    request.state.auth = context
    org = request.path_params.get("orgId")
    if org is not None and org != context.org_slug:
        raise OrgNotAllowed(f"this API key does not belong to org {org!r}")
    permission = route_permission(request.scope["route"])
    if permission not in context.permissions:
        raise PermissionDenied(f"this API key lacks the {permission.value!r} permission")
    return context


def _look_up(sessions: "sessionmaker[Session]", secret: str) -> AuthContext | None:
    with sessions() as session:
        return service.authenticate(session, secret)


async def current_key(request: Request) -> AuthContext:
    """The request's key, authenticated by its route before the handler ran."""
    context: AuthContext | None = request.scope.get("state", {}).get("auth")
    return context if context is not None else await authenticate(request)
