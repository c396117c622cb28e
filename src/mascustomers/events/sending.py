"""One webhook POST: timeouts, a cap on what is read back, redirects kept to the same origin.

- Timeouts: connecting, each write and each read are bounded (``Timeouts``), and the whole
  attempt too (``total``): a receiver trickling its answer is cut off.
- At most ``MAX_RESPONSE_BYTES`` of the answer are read; the first ``EXCERPT_CHARS``
  characters are kept in the attempt's log.
- Success is a 2xx answer. A 307 or 308 to the same scheme, host and port is followed (the
  POST is sent again, as those codes ask), at most ``MAX_REDIRECTS`` times; any other
  redirect — to another host above all — is not followed and counts as a failure.
- Connections are kept alive per origin (a worker delivers to an endpoint one event at a
  time, back to back).

Sent through httpcore, httpx's own transport, without httpx's client layers (request and
response models, cookies, auth, event hooks): measured on the delivery worker they cost
twice the CPU of the POST itself, and a webhook needs none of them.
"""

import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore

MAX_RESPONSE_BYTES = 64 * 1024
EXCERPT_CHARS = 1000
MAX_REDIRECTS = 3
_FOLLOWED = frozenset({307, 308})
USER_AGENT = "mascustomers-webhooks/1"
_FAILURES = (
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ConnectionNotAvailable,
    OSError,
    ValueError,
)


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


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class Sender:
    """Posts deliveries; thread-safe (the pool hands each request its own connection)."""

    def __init__(self, timeouts: Timeouts | None = None) -> None:
        self.timeouts = timeouts or Timeouts()
        t = self.timeouts
        self._timeout = {"connect": t.connect, "read": t.read, "write": t.write, "pool": t.connect}
        self._pool = httpcore.ConnectionPool(max_connections=64, keepalive_expiry=60.0)

    def post(self, endpoint_id: int, url: str, body: bytes, headers: dict[str, str]) -> Sent:
        """POST ``body`` to ``url`` (``endpoint_id`` names the endpoint in logs)."""
        started = time.perf_counter()
        try:
            return self._post(url, body, headers=headers, started=started)
        except httpcore.TimeoutException as error:
            return Sent(False, None, _ms(started), error=f"timeout: {type(error).__name__}")
        except _FAILURES as error:
            return Sent(False, None, _ms(started), error=f"{type(error).__name__}: {error}"[:500])

    def _post(self, url: str, body: bytes, *, headers: dict[str, str], started: float) -> Sent:
        deadline = started + self.timeouts.total
        fields = [(name.encode(), value.encode()) for name, value in headers.items()]
        fields += [
            (b"Host", urlsplit(url).netloc.encode()),
            (b"User-Agent", USER_AGENT.encode()),
            # Plain answers only: what is read back is capped before any decoding.
            (b"Accept-Encoding", b"identity"),
            (b"Content-Length", str(len(body)).encode()),
        ]
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            with self._pool.stream(
                "POST", target, headers=fields, content=body, extensions={"timeout": self._timeout}
            ) as response:
                excerpt, cut = _read(response, deadline)
                status = response.status
                location = _header(response, b"location")
            if cut is not None:
                return Sent(False, status, _ms(started), excerpt, cut)
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

    def close(self) -> None:
        self._pool.close()


def _header(response: httpcore.Response, name: bytes) -> str | None:
    for key, value in response.headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _read(response: httpcore.Response, deadline: float) -> tuple[str | None, str | None]:
    """The answer's excerpt, and why reading it was cut short (None when it was not)."""
    received = bytearray()
    cut = None
    for chunk in response.iter_stream():
        received += chunk
        if len(received) >= MAX_RESPONSE_BYTES:
            break  # enough: the rest is not read
        if time.perf_counter() > deadline:
            cut = "timeout: the answer took longer than the attempt may"
            break
    text = bytes(received[:MAX_RESPONSE_BYTES]).decode("utf-8", errors="replace")
    return (text[:EXCERPT_CHARS] or None), cut


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
