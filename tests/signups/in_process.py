"""Signups posted to the whole app in-process (httpx's ASGI transport), on the request engine
of the app's own loop: for tests that watch what a signup sends and waits for."""

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI


async def post_signups(
    app: FastAPI, key: str, bodies: list[dict[str, Any]], before: Callable[[int], None]
) -> None:
    """POST each body in turn, calling ``before(index)`` first; each must be answered 200."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for index, body in enumerate(bodies):
            before(index)
            answer = await client.post(
                "/v2/orgs/telco/signups",
                json=body,
                headers={"x-api-key": key},
            )
            assert answer.status_code == 200, answer.text
