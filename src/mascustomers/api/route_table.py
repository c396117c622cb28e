"""All v2 routes behind one dispatch step, so a request is not tried against every route."""

from collections.abc import Sequence
from typing import Any

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

Shape = tuple[int, str | None]


def _shape(path: str) -> Shape:
    """Segment count and last segment; ``None`` when the last segment holds a parameter."""
    last = path[path.rfind("/") + 1 :]
    return path.count("/"), None if "{" in last else last


class RouteTable(BaseRoute):
    """The routes, in their order, tried only where the path's shape allows a match.

    Starlette tries every route in order, a regex each: with ~90 operations that scan cost
    more than a primary-key read. A route can only match a path with as many segments
    (parameters never hold "/") whose last segment equals its literal, if it ends in one.
    The candidates for a shape keep the declared order, so the first full match — and the
    first partial one, which becomes a 405 — is the one the plain scan would find.
    """

    def __init__(self, routes: Sequence[APIRoute]) -> None:
        self.routes = list(routes)
        shapes = [_shape(route.path) for route in self.routes]
        self._ending_in_parameter: dict[int, list[APIRoute]] = {}
        self._by_shape: dict[Shape, list[APIRoute]] = {}
        for route, (segments, last) in zip(self.routes, shapes, strict=True):
            if last is None:
                self._ending_in_parameter.setdefault(segments, []).append(route)
        for segments, last in set(shapes):
            if last is not None:
                self._by_shape[(segments, last)] = [
                    route
                    for route, shape in zip(self.routes, shapes, strict=True)
                    if shape in ((segments, last), (segments, None))
                ]

    def candidates(self, path: str) -> Sequence[APIRoute]:
        segments, last = _shape(path)
        found = self._by_shape.get((segments, last)) if last is not None else None
        return found if found is not None else self._ending_in_parameter.get(segments, ())

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        partial: Scope | None = None
        for route in self.candidates(path):
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                return match, child_scope
            if match == Match.PARTIAL and partial is None:
                partial = child_scope
        if partial is not None:
            return Match.PARTIAL, partial
        return Match.NONE, {}

    def allowed_methods(self, scope: Scope) -> list[str]:
        """Every method some route serves on this path (a path can match several templates:
        ``users/tree`` and ``users/{userId}``)."""
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        probe = {**scope, "method": ""}
        methods = {
            method
            for route in self.candidates(path)
            if route.matches(probe)[0] != Match.NONE
            for method in route.methods or ()
        }
        return sorted(methods)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The matched route put itself in the scope (APIRoute.matches sets "route").
        route: APIRoute = scope["route"]
        if scope["method"] not in (route.methods or ()):
            # A partial match: answer 405 naming every method of the path, where the route
            # itself would name only its own.
            allow = ", ".join(self.allowed_methods(scope))
            raise HTTPException(status_code=405, headers={"Allow": allow})
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)
