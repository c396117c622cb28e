"""A fast webhook receiver for the benchmark: a bare ASGI app under uvicorn, counting POSTs.

    uvicorn bench.webhook_receiver:app --lifespan off

``GET /count`` answers how many deliveries arrived.
"""

from collections.abc import Awaitable, Callable
from typing import Any

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
# One counter for the process (a one-element list: the app adds to it in place).
received = [0]


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = bool(message.get("more_body", False))
    if scope["method"] == "GET":
        payload = str(received[0]).encode()
    else:
        received[0] += 1
        payload = b"ok"
    headers = [(b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
