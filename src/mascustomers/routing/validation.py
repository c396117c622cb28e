"""A request that fails validation, told in one line: the API's 400 and the console's page."""

from typing import Any

from mascustomers.errors import ErrorCode


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "body"


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[ErrorCode, str]:
    """One line naming each failing field, e.g. ``payment.billing_type_id: Input should be…``."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return ErrorCode.MALFORMED_JSON, "the request body is not valid JSON"
    lines = [f"{_location(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in errors]
    return ErrorCode.VALIDATION_FAILED, "; ".join(lines[:20])
