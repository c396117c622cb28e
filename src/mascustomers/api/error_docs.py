"""The error-code table as Markdown: served in the OpenAPI description and kept in docs/."""

from http import HTTPStatus

from mascustomers.errors import ErrorCode


def render_error_table() -> str:
    rows = [
        f"| `{e.code}` | {e.http_status} {HTTPStatus(e.http_status).name} "
        f"| {e.message} | `{e.name}` |"
        for e in sorted(ErrorCode, key=lambda item: item.code)
    ]
    return "\n".join(
        [
            "| code | HTTP status | message | name |",
            "|---|---|---|---|",
            *rows,
        ]
    )


def render_error_document() -> str:
    return (
        "# Error codes\n\n"
        "Every non-2xx answer is an `ErrorMessage` "
        '`{"code", "status", "message", "detailMsg"}`. `code` is a zero-padded string '
        "(reference 2.38); `detailMsg` names the field or rule and the values involved. "
        "Business rules answer 400, one code per rule. Generated from "
        "`src/mascustomers/errors.py` by `python -m mascustomers.api.error_docs`.\n\n"
        + render_error_table()
        + "\n"
    )


if __name__ == "__main__":
    print(render_error_document(), end="")
