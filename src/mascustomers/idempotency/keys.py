"""``Idempotency-Key`` on POST/PUT/PATCH/DELETE, to Stripe's semantics.

Rules, in order:
1. Without the header nothing changes. A key is 1 to 200 characters and belongs to the org.
2. A request is identified by its method, path, query (in sorted order) and body compared as
   parsed JSON: key order and whitespace do not matter.
3. While a request with the key runs, the same key answers 409 ``0012``: in this process
   through ``RunningKeys``; across processes on PostgreSQL through a transaction-scoped
   advisory lock on the key (``repository.claim``). On SQLite writers take turns through the
   write gate, so a duplicate that reached another worker waits its turn and then finds the
   first request's answer.
4. A stored answer younger than ``idempotency_key_hours`` is replayed to the same request
   (header ``Idempotent-Replayed: true``) and refused to another one (400 ``0013``).
5. The answer is stored in the request's own transaction just before it commits: after a
   crash either nothing happened (a retry runs the operation) or the answer is there. A request
   that fails rolls back and stores nothing, so its retry runs again.
6. Older answers are ignored, replaced by a new use of the key, and purged by the scheduler.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from mascustomers.errors import IdempotencyKeyInProgress, ValidationFailed

HEADER = "idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class IdempotentWrite:
    """One keyed write: who sent it, with what key, and its fingerprint."""

    org_id: int
    key: str
    digest: str
    method: str
    path: str


def canonical_body(body: bytes) -> bytes:
    """The body as sorted, compact JSON; bytes that are not JSON stay as they are."""
    if not body.strip():
        return b""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    head = f"{method} {path}?{urlencode(pairs)}\n".encode()
    return hashlib.sha256(head + canonical_body(body)).hexdigest()


def keyed_write(
    header: str | None, *, org_id: int, method: str, path: str, query: str, body: bytes
) -> IdempotentWrite | None:
    """The request's keyed write, or None without the header; 400 for a malformed key."""
    if header is None:
        return None
    key = header.strip()
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise ValidationFailed(f"Idempotency-Key: must be 1 to {MAX_KEY_LENGTH} characters")
    return IdempotentWrite(
        org_id=org_id,
        key=key,
        digest=fingerprint(method, path, query, body),
        method=method,
        path=path,
    )


def advisory_lock_id(write: IdempotentWrite) -> int:
    """A signed 64-bit number naming the key, for PostgreSQL's advisory locks."""
    digest = hashlib.sha256(f"idempotency:{write.org_id}:{write.key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class RunningKeys:
    """The keys of this process's requests that have not answered yet."""

    def __init__(self) -> None:
        self._running: set[tuple[int, str]] = set()

    @contextmanager
    def running(self, write: IdempotentWrite | None) -> Iterator[None]:
        if write is None:
            yield
            return
        name = (write.org_id, write.key)
        if name in self._running:
            raise IdempotencyKeyInProgress(
                "Idempotency-Key: a request with this key is in progress; retry when it answers"
            )
        self._running.add(name)
        try:
            yield
        finally:
            self._running.discard(name)
