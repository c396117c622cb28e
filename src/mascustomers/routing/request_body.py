"""A body that is sent must be JSON of the operation's shape, also where the body is optional.

FastAPI validates a declared body, but lets two things through: JSON ``null`` where the body
is optional (it reads as "no body", so ``POST …/cancel`` with ``null`` cancelled) and any body
at all where the operation declares none (``DELETE penalties/1`` with broken JSON deleted).
``V2Route`` runs one of these guards before the handler of every writing route of those two
kinds; a route with a required body needs none. Reads are left alone: a GET body has no meaning.
"""

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

BodyGuard = Callable[[Request], Awaitable[None]]

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The JSON grammar's whitespace (RFC 8259 §2), allowed around ``null``.
_JSON_WHITESPACE = b" \t\r\n"


def _refused(message: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ("body",), "msg": message}])


async def refuse_null_body(request: Request) -> None:
    """An optional body may be left out; one that is sent may not be ``null``."""
    if (await request.body()).strip(_JSON_WHITESPACE) == b"null":
        raise _refused("send a JSON object or no body at all, not null")


async def refuse_any_body(request: Request) -> None:
    """This operation takes no body: one that is sent (even blank, as FastAPI counts a
    blank optional body) is refused, not ignored."""
    if await request.body():
        raise _refused("this operation takes no request body")


def body_guard(route: APIRoute) -> BodyGuard | None:
    """The guard a route's body needs, if any, to run before its handler acts."""
    if not _WRITES & set(route.methods or ()):
        return None
    if route.body_field is None:
        return refuse_any_body
    if not route.body_field.field_info.is_required():
        return refuse_null_body
    return None
