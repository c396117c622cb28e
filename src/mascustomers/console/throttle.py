"""Sign-in attempts per client address: a sliding minute kept in this process.

The per-user lock-out (``service.record_failure``) stops guessing one user's password; this
stops one address from trying many users. Several worker processes each count their own.
"""

import threading
import time
from collections import deque

_MAX_ADDRESSES = 10_000
WINDOW_SECONDS = 60.0


class LoginThrottle:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        """Count an attempt from ``address``; False once it made ``per_minute`` in a minute."""
        now = time.monotonic()
        with self._lock:
            if len(self._attempts) >= _MAX_ADDRESSES:
                self._attempts.clear()
            attempts = self._attempts.setdefault(address, deque())
            while attempts and attempts[0] <= now - WINDOW_SECONDS:
                attempts.popleft()
            if len(attempts) >= self.per_minute:
                return False
            attempts.append(now)
            return True

    def clear(self) -> None:
        with self._lock:
            self._attempts.clear()
