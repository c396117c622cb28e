"""How a scheduler process runs: poll interval, lease, batch and retry policy."""

import os
import socket
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class SchedulerConfig:
    # Seconds to wait after a pass that found nothing due.
    poll_interval: float = 5.0
    # A leased operation not finished within this many seconds is taken by the next pass
    # (its process is presumed dead); longer than any handler should take.
    lease_seconds: float = 300.0
    # Operations leased per pass.
    batch_size: int = 20
    # After this many failed attempts an operation is FAILED for good.
    max_attempts: int = 5
    backoff_base_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    # Seconds between clean-up passes (scheduler.housekeeping), and how long Idempotency-Key
    # answers are kept (the API's setting IDEMPOTENCY_KEY_HOURS).
    housekeeping_seconds: float = 300.0
    idempotency_key_hours: int = 24


def worker_name(role: str = "scheduler") -> str:
    """A process-unique lease owner: host, pid and a random suffix."""
    return f"{role}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
