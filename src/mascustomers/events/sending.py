"""One webhook POST: timeouts, a cap on what is read back, redirects kept to the same origin.

- Timeouts: connecting, each write and each read are bounded (``Timeouts``), and the whole
  attempt too (``total``): a receiver trickling its answer is cut off.
- At most ``MAX_RESPONSE_BYTES`` of the answer are read; the first ``EXCERPT_CHARS``
  characters are kept in the attempt's log.
- Success is a 2xx answer. A 307 or 308 to the same scheme, host and port is followed (the
  POST is sent again, as those codes ask), at most ``MAX_REDIRECTS`` times; any other
  redirect — to another host above all — is not followed and counts as a failure.
- Connections are kept alive per origin (a worker delivers to an endpoint one event at a
  time, back to back); a kept one the receiver dropped meanwhile is replaced once. An answer
  not read to its end closes its connection.

Sent with the standard library's ``http.client`` (TLS verified with the default context): the
POST is most of the delivery worker's cost per event, and per POST to a local receiver
httpx's client took 345 µs of CPU, httpcore 178 µs, ``http.client`` 73 µs
(docs/performance.md, webhooks).
"""

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_RESPONSE_BYTES = 64 * 1024
EXCERPT_CHARS = 1000
MAX_REDIRECTS = 3
_FOLLOWED = frozenset({307, 308})
_CHUNK = 16 * 1024
USER_AGENT = "mascustomers-webhooks/1"
Origin = tuple[str, str, int]


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.0
    read: float = 10.0
    write: float = 10.0
    total: float = 15.0


@dataclass(frozen=True)
class Sent:
    """The outcome of one attempt."""

    ok: bool
    status_code: int | None
    latency_ms: int
    excerpt: str | None = None
    error: str | None = None


class _Timeout(Exception):
    pass


def _origin(url: str) -> Origin:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class Sender:
    """Posts deliveries; thread-safe (a connection serves one request at a time)."""

    def __init__(self, timeouts: Timeouts | None = None) -> None:
        self.timeouts = timeouts or Timeouts()
        self._lock = threading.Lock()
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._tls: ssl.SSLContext | None = None

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Sent:
        """POST ``body`` to ``url``; never raises for what the network or receiver does."""
        started = time.perf_counter()
        try:
            return self._post(url, body, headers=headers, started=started)
        except (TimeoutError, _Timeout) as error:
            return Sent(False, None, _ms(started), error=f"timeout: {error or 'no answer'}")
        except (OSError, http.client.HTTPException, ValueError) as error:
            return Sent(False, None, _ms(started), error=f"{type(error).__name__}: {error}"[:500])

    def _post(self, url: str, body: bytes, *, headers: dict[str, str], started: float) -> Sent:
        deadline = started + self.timeouts.total
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            status, location, excerpt = self._exchange(target, body, headers, deadline)
            if status in _FOLLOWED and location:
                following = urljoin(target, location)
                if _origin(following) != _origin(url):
                    return Sent(
                        False, status, _ms(started), excerpt, "redirect to another host refused"
                    )
                target = following
                continue
            if 300 <= status < 400:
                error = f"redirect ({status}) not followed: a webhook is POSTed to its URL"
                return Sent(False, status, _ms(started), excerpt, error)
            return Sent(200 <= status < 300, status, _ms(started), excerpt)
        return Sent(False, None, _ms(started), None, f"more than {MAX_REDIRECTS} redirects")

    def _exchange(
        self, url: str, body: bytes, headers: dict[str, str], deadline: float
    ) -> tuple[int, str | None, str | None]:
        origin = _origin(url)
        connection, reused = self._connection(origin)
        try:
            return self._send_on(connection, origin, url, body, headers=headers, deadline=deadline)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            if not reused:
                raise
        # A kept-alive connection the receiver had closed meanwhile: once more on a new one.
        connection, _ = self._connection(origin, fresh=True)
        return self._send_on(connection, origin, url, body, headers=headers, deadline=deadline)

    def _send_on(
        self,
        connection: http.client.HTTPConnection,
        origin: Origin,
        url: str,
        body: bytes,
        *,
        headers: dict[str, str],
        deadline: float,
    ) -> tuple[int, str | None, str | None]:
        keep = False
        try:
            assert connection.sock is not None
            connection.sock.settimeout(self.timeouts.write)
            connection.request(
                "POST",
                _target(url),
                body=body,
                headers={
                    **headers,
                    "User-Agent": USER_AGENT,
                    # Plain answers only: what is read back is capped before any decoding.
                    "Accept-Encoding": "identity",
                },
            )
            assert connection.sock is not None
            connection.sock.settimeout(self.timeouts.read)
            response = connection.getresponse()
            excerpt, complete = _read(response, deadline)
            keep = complete and not response.will_close
            if keep:
                response.close()  # read to its end: the connection takes the next request
            return response.status, response.getheader("location"), excerpt
        finally:
            if keep:
                self._give_back(origin, connection)
            else:
                connection.close()

    def _connection(
        self, origin: Origin, *, fresh: bool = False
    ) -> tuple[http.client.HTTPConnection, bool]:
        """An idle kept-alive connection to ``origin`` (True), else a new one (False)."""
        with self._lock:
            idle = self._idle.get(origin)
            if idle and not fresh:
                return idle.pop(), True
        scheme, host, port = origin
        connection: http.client.HTTPConnection
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            connection = http.client.HTTPSConnection(
                host, port, timeout=self.timeouts.connect, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=self.timeouts.connect)
        connection.connect()
        assert connection.sock is not None
        # Headers and body are separate writes: without this the body waits for an ACK.
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, False

    def _give_back(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.setdefault(origin, []).append(connection)

    def close(self) -> None:
        with self._lock:
            for idle in self._idle.values():
                for connection in idle:
                    connection.close()
            self._idle.clear()


def _read(response: http.client.HTTPResponse, deadline: float) -> tuple[str | None, bool]:
    """The answer's excerpt, and whether it was read to its end (its connection reusable)."""
    received = bytearray()
    complete = False
    while len(received) < MAX_RESPONSE_BYTES:
        chunk = response.read1(_CHUNK)
        if not chunk:
            complete = True
            break
        received += chunk
        if time.perf_counter() > deadline:
            raise _Timeout("the answer took longer than the attempt may")
    text = bytes(received[:MAX_RESPONSE_BYTES]).decode("utf-8", errors="replace")
    return (text[:EXCERPT_CHARS] or None), complete


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
