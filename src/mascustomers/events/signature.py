"""Signing webhook deliveries, and verifying them on the receiving side (Stripe's scheme).

Every delivery carries ``Mascustomers-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>``; the
HMAC is keyed with the endpoint's secret (the whole ``whsec_…`` string, UTF-8) over
``"<t>.<raw body>"``. A receiver recomputes it over the raw bytes it received (before any
JSON parsing), compares in constant time, and refuses a timestamp further than the tolerance
from its own clock, so a captured delivery cannot be replayed later.

For a while after the endpoint's secret is rolled the header carries two ``v1`` signatures,
the new secret's first, then the old one's: one matching the receiver's secret is enough.

Standard library only, so a receiver can copy this file or import it::

    from mascustomers.events.signature import verify
    event = verify(raw_body, request.headers["Mascustomers-Signature"], secret)
"""

import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from typing import Any

HEADER = "Mascustomers-Signature"
SCHEME = "v1"
# Seconds between the delivery's timestamp and the receiver's clock it accepts.
TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The delivery is not signed with this secret, or not recently enough."""


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int, *, also: Sequence[str] = ()) -> str:
    """The header value for ``body`` sent at ``timestamp`` (unix seconds): one ``v1`` per
    secret, ``secret``'s first, then those ``also`` signing (a rolled secret's old one)."""
    macs = [_mac(key, timestamp, body) for key in (secret, *also)]
    return ",".join([f"t={timestamp}", *(f"{SCHEME}={mac}" for mac in macs)])


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError as error:
                raise SignatureError("the timestamp is not a number") from error
        elif key == SCHEME:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError(f"expected t=<timestamp>,{SCHEME}=<signature>")
    return timestamp, signatures


def verify(
    body: bytes | str,
    header: str,
    secret: str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> dict[str, Any]:
    """The event ``body`` carries, once its signature ``header`` checks out; else SignatureError.

    The header may carry several ``v1`` signatures (two while a rolled secret's old one still
    signs): one made with ``secret`` is enough.

    ``body`` must be the raw request body as received. ``now`` (unix seconds) defaults to
    this machine's clock.
    """
    raw = body.encode() if isinstance(body, str) else body
    timestamp, signatures = _parse(header)
    expected = _mac(secret, timestamp, raw)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("no signature matches the secret")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError(f"timestamp outside the tolerance of {tolerance} seconds")
    event: dict[str, Any] = json.loads(raw)
    return event
