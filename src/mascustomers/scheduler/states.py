"""Scheduled-operation statuses and the retry policy (pure)."""

from datetime import timedelta
from enum import StrEnum


class OperationStatus(StrEnum):
    """``PENDING`` waits for its due time; ``RUNNING`` is leased by one scheduler process."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


def backoff(attempts: int, *, base_seconds: float, max_seconds: float) -> timedelta:
    """Delay before retry number ``attempts`` + 1: base × 2^(attempts - 1), capped."""
    exponent = min(max(attempts - 1, 0), 32)
    return timedelta(seconds=min(base_seconds * 2**exponent, max_seconds))
