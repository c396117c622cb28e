"""The console's route class: the request path of the v2 API, answered with pages.

Each console endpoint is a plain ``def`` run in a greenlet (``routing.v2_route.in_greenlet``),
with one session and one transaction per request opened, begun (a writer: SQLite's write gate,
then ``BEGIN IMMEDIATE``) and committed before the response by ``run_in_transaction`` — the
same steps as every v2 route. What differs is the answer to a failure: the transaction is
rolled back as there, and the refusal is a page showing the API's ``ErrorMessage`` text.
"""

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError

from mascustomers.console.rendering import PREFIX, domain_refusal, redirect, refusal
from mascustomers.db.dependencies import READ_ONLY_EXTRA, open_session
from mascustomers.errors import DomainError
from mascustomers.routing.v2_route import WRITE_METHODS, Endpoint, in_greenlet, run_in_transaction
from mascustomers.routing.validation import describe_validation_errors


class SignInNeeded(Exception):
    """No valid session cookie: the browser goes to the sign-in page."""


class ConsoleRoute(APIRoute):
    def __init__(self, path: str, endpoint: Endpoint, **kwargs: Any) -> None:
        super().__init__(path, in_greenlet(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        # The sign-in form declares x-read-only: it verifies the password (slow, off the
        # loop) before it takes the write lock to record the outcome.
        writes = bool(WRITE_METHODS & set(self.methods or ())) and not (
            self.openapi_extra or {}
        ).get(READ_ONLY_EXTRA)

        async def in_transaction(request: Request) -> Response:
            if writes:
                await request.body()  # all of it before the write lock, as a v2 writer
            try:
                return await run_in_transaction(
                    handler, request, open_session(request, reader=not writes), None, writer=writes
                )
            except SignInNeeded:
                target = request.url.path if request.method == "GET" else PREFIX + "/"
                return redirect(request, f"{PREFIX}/login?next={quote(target)}")
            except DomainError as error:
                return domain_refusal(request, error)
            except (RequestValidationError, ValidationError) as error:
                code, detail = describe_validation_errors(list(error.errors()))  # type: ignore[arg-type]
                return refusal(request, code, detail)

        return in_transaction
