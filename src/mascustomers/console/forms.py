"""Form posts: the urlencoded body parsed with the standard library, and the CSRF check.

Every form of a signed-in page carries the session's synchronizer token (``csrf_token``);
the sign-in form, before any session exists, a double-submit token (a cookie and the same
value in the form). Both are compared in constant time.
"""

import hmac
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import TypeVar
from urllib.parse import parse_qsl

from fastapi import Request

from mascustomers.errors import PermissionDenied, ValidationFailed

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_MAX_FIELDS = 100


class Form(Mapping[str, str]):
    """The posted fields (the last value of a repeated name wins); blanks stay ``""``."""

    def __init__(self, fields: dict[str, str]) -> None:
        self._fields = fields

    def __getitem__(self, name: str) -> str:
        return self._fields[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def text(self, name: str) -> str | None:
        """The field stripped, or None when missing or blank."""
        value = self._fields.get(name, "").strip()
        return value or None

    def flag(self, name: str) -> bool:
        """A checkbox or a select of true/false."""
        return self._fields.get(name, "").strip().lower() in {"1", "true", "on", "yes"}


async def read_form(request: Request) -> Form:
    """The request's urlencoded body (read once; the route has it in memory already)."""
    cached: Form | None = getattr(request.state, "console_form", None)
    if cached is not None:
        return cached
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if body and content_type != "application/x-www-form-urlencoded":
        raise ValidationFailed("the console takes application/x-www-form-urlencoded forms")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=_MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationFailed(f"the form could not be read: {error}") from error
    form = Form(dict(pairs))
    request.state.console_form = form
    return form


def same_token(sent: str | None, expected: str | None) -> bool:
    if not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


def check_csrf(request: Request, form: Form, expected: str) -> None:
    """403 (0004) unless the form (or an htmx header) carries the session's token."""
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not same_token(sent, expected):
        raise PermissionDenied("the form's CSRF token is missing or does not match the session")


E = TypeVar("E", bound=StrEnum)


def choice(kind: type[E], value: str | None, *, field: str) -> E:
    """One of an enum's values (400 naming the field and the values otherwise)."""
    try:
        return kind((value or "").strip())
    except ValueError:
        allowed = ", ".join(item.value for item in kind)
        raise ValidationFailed(f"{field}: one of {allowed}", field=field) from None
