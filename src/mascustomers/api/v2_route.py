"""The route class of every v2 operation: it ends the request transaction."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from mascustomers.auth.dependencies import authenticate
from mascustomers.db.dependencies import end_session


class V2Route(APIRoute):
    """Authenticates, then commits the request's session when the handler succeeds, or
    rolls it back.

    Authentication runs here rather than as a route dependency: FastAPI's dependency
    solving cost more per level than the key check itself. The commit happens once the
    handler has built its response and before the response is sent, so a client never
    sees a 2xx for work that is not committed. GETs commit too: computing a penalty is a GET
    in the reference, and it stores the computation.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def in_transaction(request: Request) -> Response:
            authenticate(request)
            try:
                response = await handler(request)
            except BaseException:
                end_session(request.scope, commit=False)
                raise
            end_session(request.scope, commit=True)
            return response

        return in_transaction
