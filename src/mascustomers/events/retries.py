"""When a failed delivery is tried again, given up, and its endpoint marked failing or disabled.

Pure rules on instants of the delivery worker's clock (the process-wide clock, not an org's
test clock: they are about a receiver being up, in real time; tests inject a clock).

- An endpoint's deliveries go out one at a time in event order; a failure holds the queue.
- After the n-th failed attempt in a row (the endpoint's failure streak), the next try is
  ``base × 2^(n-1)`` later, capped at ``cap``, times a random factor in [1 - jitter,
  1 + jitter]: 1, 2, 4 … 256 minutes, then every 6 hours (± 20%).
- A delivery whose next try would come more than ``give_up_after`` (3 days) after its first
  attempt is given up (FAILED; a manual redelivery can still send it) and the endpoint is
  marked FAILING; the queue moves on to the next event, at the streak's pace.
- An endpoint whose failure streak has lasted ``disable_after`` (5 days) is DISABLED: no
  more tries until it is enabled again; the event ``webhook_endpoint.disabled`` says so.
- Any successful attempt ends the streak: the endpoint is ENABLED again.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class EndpointStatus(StrEnum):
    ENABLED = "ENABLED"
    FAILING = "FAILING"
    DISABLED = "DISABLED"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=6)
    jitter: float = 0.2
    give_up_after: timedelta = timedelta(days=3)
    disable_after: timedelta = timedelta(days=5)

    def delay(self, failures: int, rng: random.Random) -> timedelta:
        """The wait after the ``failures``-th failed attempt in a row."""
        exponent = min(max(failures - 1, 0), 32)
        nominal = min(self.base * (1 << exponent), self.cap)
        factor: float = rng.uniform(1 - self.jitter, 1 + self.jitter)
        return nominal * factor


@dataclass(frozen=True)
class Verdict:
    """What one failed attempt leads to."""

    delivery: DeliveryStatus
    endpoint: EndpointStatus
    # When the endpoint's queue is tried next (None once disabled).
    next_attempt_at: datetime | None

    @property
    def disabled(self) -> bool:
        return self.endpoint is EndpointStatus.DISABLED

    @property
    def gave_up(self) -> bool:
        return self.delivery is DeliveryStatus.FAILED


def after_failure(
    *,
    now: datetime,
    first_attempt_at: datetime,
    failing_since: datetime,
    failures: int,
    endpoint: EndpointStatus,
    policy: RetryPolicy,
    rng: random.Random,
) -> Verdict:
    """The delivery's and endpoint's state after a failed attempt at ``now``.

    ``failures`` counts this attempt; ``failing_since`` is the first failure of the streak
    (``now`` for a first one); ``first_attempt_at`` the delivery's first attempt.
    """
    if now - failing_since >= policy.disable_after:
        return Verdict(DeliveryStatus.PENDING, EndpointStatus.DISABLED, None)
    retry_at = now + policy.delay(failures, rng)
    if retry_at - first_attempt_at > policy.give_up_after:
        return Verdict(DeliveryStatus.FAILED, EndpointStatus.FAILING, retry_at)
    return Verdict(DeliveryStatus.PENDING, endpoint, retry_at)
