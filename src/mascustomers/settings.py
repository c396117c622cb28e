"""Runtime settings, read from ``MASCUSTOMERS_*`` environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the service can be told from its environment."""

    model_config = SettingsConfigDict(env_prefix="MASCUSTOMERS_", extra="ignore")

    database_url: str = f"sqlite:///{Path('var/mascustomers.db').resolve()}"
    # Requests larger than this are refused with 413 before any parsing happens.
    max_body_bytes: int = 1024 * 1024
    # Seconds an authenticated key stays cached in-process; revocation in another process
    # takes effect after at most this long.
    api_key_cache_seconds: float = 5.0
    log_json: bool = True
    log_level: str = "INFO"
    # The longest a writer waits for its turn on SQLite (the write gate, then a lock held by
    # a program outside the service) before the request answers 503.
    sqlite_busy_timeout_ms: int = 30_000
    # PostgreSQL: the longest a request waits for a pooled connection, and to open one, before
    # it answers 503; connections per worker process (the pool, then the overflow).
    database_pool_timeout_seconds: float = 10.0
    database_connect_timeout_seconds: int = 5
    database_pool_size: int = 10
    database_max_overflow: int = 20
    # What a 503 for an unreachable database tells clients to wait before retrying.
    retry_after_seconds: int = 2
    # How long an Idempotency-Key's stored answer is kept (then the key may be used anew).
    idempotency_key_hours: int = 24
    # SQLite reads through a shared memory map instead of each connection's own page cache
    # (every pooled connection otherwise re-reads the same pages with read() calls).
    sqlite_mmap_bytes: int = 1 << 30
    # Back-office console (/console): how long a sign-in lasts; wrong passwords in a row before
    # a staff user is locked out, and for how long; sign-in attempts per client address per
    # minute, whichever user they name.
    console_session_hours: float = 8.0
    console_max_failed_logins: int = 5
    console_lockout_minutes: float = 15.0
    console_login_attempts_per_minute: int = 30


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
