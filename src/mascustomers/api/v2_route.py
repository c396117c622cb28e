"""The route class of every v2 operation: ends the request transaction, rejects paths fast."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from mascustomers.db.dependencies import end_session


class V2Route(APIRoute):
    """Commits the request's session when the handler succeeds, else rolls it back.

    The commit happens once the handler has built its response and before the response is
    sent, so a client never sees a 2xx for work that is not committed.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        # Every request is matched against the routes in order; rejecting on the number of
        # segments and the last literal segment before the regex makes the scan cheap.
        # Path parameters never hold "/" (their pattern is [^/]+), so this is exact.
        self._slashes = path.count("/")
        last = path.rsplit("/", 1)[-1]
        self._suffix = None if "{" in last else "/" + last

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path: str = scope.get("path", "")
        if not scope.get("root_path") and (
            path.count("/") != self._slashes
            or (self._suffix is not None and not path.endswith(self._suffix))
        ):
            return Match.NONE, {}
        return super().matches(scope)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def in_transaction(request: Request) -> Response:
            try:
                response = await handler(request)
            except BaseException:
                end_session(request.scope, commit=False)
                raise
            end_session(request.scope, commit=True)
            return response

        return in_transaction
