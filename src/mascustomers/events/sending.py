"""One webhook POST: timeouts, a cap on what is read back, redirects kept to the same origin.

- Timeouts: connecting, each write and each read are bounded (``Timeouts``), and the whole
  attempt too (``total``): a receiver trickling its answer is cut off.
- At most ``MAX_RESPONSE_BYTES`` of the answer are read; the first ``EXCERPT_CHARS``
  characters are kept in the attempt's log.
- Success is a 2xx answer. A 307 or 308 to the same scheme, host and port is followed (the
  POST is sent again, as those codes ask), at most ``MAX_REDIRECTS`` times; any other
  redirect — to another host above all — is not followed and counts as a failure.
- One keep-alive client per endpoint (a worker delivers to an endpoint one event at a time).
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

MAX_RESPONSE_BYTES = 64 * 1024
EXCERPT_CHARS = 1000
MAX_REDIRECTS = 3
_FOLLOWED = frozenset({307, 308})
_CLIENTS = 64
USER_AGENT = "mascustomers-webhooks/1"


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
    """Posts deliveries; thread-safe (each endpoint has its own client)."""

    def __init__(self, timeouts: Timeouts | None = None) -> None:
        self.timeouts = timeouts or Timeouts()
        self._lock = threading.Lock()
        self._clients: OrderedDict[int, httpx.Client] = OrderedDict()

    def _client(self, endpoint_id: int) -> httpx.Client:
        with self._lock:
            client = self._clients.get(endpoint_id)
            if client is not None:
                self._clients.move_to_end(endpoint_id)
                return client
            t = self.timeouts
            client = httpx.Client(
                timeout=httpx.Timeout(
                    connect=t.connect, read=t.read, write=t.write, pool=t.connect
                ),
                follow_redirects=False,
                # Plain answers only: what is read back is capped before any decoding.
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
                trust_env=False,
            )
            self._clients[endpoint_id] = client
            while len(self._clients) > _CLIENTS:
                _, oldest = self._clients.popitem(last=False)
                oldest.close()
            return client

    def post(self, endpoint_id: int, url: str, body: bytes, headers: dict[str, str]) -> Sent:
        started = time.perf_counter()
        deadline = started + self.timeouts.total
        try:
            return self._post(
                self._client(endpoint_id),
                url,
                body,
                headers=headers,
                deadline=deadline,
                started=started,
            )
        except httpx.TimeoutException as error:
            return Sent(False, None, _ms(started), error=f"timeout: {type(error).__name__}")
        except httpx.HTTPError as error:
            return Sent(False, None, _ms(started), error=f"{type(error).__name__}: {error}"[:500])

    def _post(
        self,
        client: httpx.Client,
        url: str,
        body: bytes,
        *,
        headers: dict[str, str],
        deadline: float,
        started: float,
    ) -> Sent:
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            with client.stream("POST", target, content=body, headers=headers) as response:
                excerpt, cut = _read(response, deadline)
                status = response.status_code
                location = response.headers.get("location")
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
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


def _read(response: httpx.Response, deadline: float) -> tuple[str | None, str | None]:
    """The answer's excerpt, and why reading it was cut short (None when it was not)."""
    received = bytearray()
    cut = None
    for chunk in response.iter_raw():
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
