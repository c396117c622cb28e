"""How uvicorn serves the app: asyncio's loop, HTTP connections without Nagle's delay, and a
listening socket per worker (cli.workers).

- The loop is asyncio's own, not uvloop: with one saturated worker uvloop served about 3 % of
  the requests 10 to 20 times later than the median (read mix: p50 116 ms, p99 1,203 ms; a
  three-statement toy app alike: p99 735 ms), asyncio's loop did not (p99 213 ms and 55 ms),
  at the same throughput (docs/performance.md).
- asyncio sets TCP_NODELAY only on sockets it made itself. With several workers uvicorn binds
  the listening socket (without naming the protocol), and the connections accepted from it
  kept Nagle's algorithm: the response body, written after the headers, waited for the
  client's delayed ACK — 40 ms added to every answer (uvloop sets it on every socket). The
  protocol below sets it on each connection.
"""

import asyncio
import socket
import sys
from contextlib import suppress

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mascustomers.cli import workers as worker_processes

EVENT_LOOP = "asyncio"
HTTP_PROTOCOL = "mascustomers.cli.serving:NoDelayHttpToolsProtocol"


def run(app: str, *, host: str, port: int, workers: int) -> None:
    """Serve the ASGI app at import path ``app`` until SIGTERM; several workers each accept on
    a listening socket of their own (cli.workers)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        loop=EVENT_LOOP,
        http=HTTP_PROTOCOL,
    )
    if workers > 1:
        worker_processes.serve(config)
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with suppress(OSError):  # not TCP (a Unix socket)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
