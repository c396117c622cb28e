"""A webhook receiver for tests: an HTTP server on 127.0.0.1 in a thread, recording every POST.

``answer`` decides each reply (status, body, delay) from the request; the receiver keeps what
arrived, when, and how many requests were being handled at once on each path (a second
delivery to one endpoint while the first is in flight would show up there).
"""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    started: float
    finished: float

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    # Hang up after answering, without saying so (a receiver dropping idle connections).
    hang_up: bool = False


Answer = Callable[[str, bytes], Reply]


class Receiver:
    def __init__(self, answer: Answer | None = None, port: int = 0) -> None:
        self.answer: Answer = answer or (lambda path, body: Reply())
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def events(self, path: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [r.event for r in self.received if path is None or r.path == path]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                started = time.monotonic()
                with receiver.lock:
                    count = receiver.in_flight.get(self.path, 0) + 1
                    receiver.in_flight[self.path] = count
                    most = max(receiver.max_in_flight.get(self.path, 0), count)
                    receiver.max_in_flight[self.path] = most
                try:
                    length = int(self.headers.get("content-length", "0"))
                    body = self.rfile.read(length)
                    reply = receiver.answer(self.path, body)
                    if reply.delay:
                        time.sleep(reply.delay)
                    with receiver.lock:
                        receiver.received.append(
                            Received(
                                self.path,
                                {k.lower(): v for k, v in self.headers.items()},
                                body,
                                started,
                                time.monotonic(),
                            )
                        )
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    self.close_connection = reply.hang_up
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the sender is gone (a killed worker)
                finally:
                    with receiver.lock:
                        receiver.in_flight[self.path] -= 1

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiving(answer: Answer | None = None, port: int = 0) -> Iterator[Receiver]:
    receiver = Receiver(answer, port).start()
    try:
        yield receiver
    finally:
        receiver.stop()
