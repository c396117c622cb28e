"""The caller of a request as services see it: org, actor name, the org's now, origin IP."""

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.auth.dependencies import current_key
from mascustomers.db.database import run_sync
from mascustomers.db.dependencies import db_session
from mascustomers.kit.clock import (
    DEFAULT_TIMEZONE,
    FrozenClock,
    clear_org_time,
    clock_for,
    set_org_time,
)
from mascustomers.models import OrgClock

ORIGIN_IP_HEADER = "x-origin-ip"
_ORIGIN_IP = ORIGIN_IP_HEADER.encode()
_FORWARDED_FOR = b"x-forwarded-for"
# Seconds a process trusts its copy of an org's stored test clock; another process's
# advance is seen within this time (the advancing process sees it at once).
TEST_CLOCK_CACHE_SECONDS = 1.0


@dataclass(frozen=True)
class Caller:
    org_id: int
    org_slug: str
    actor: str
    now: datetime
    today: date
    origin_ip: str | None = None
    # The org's time zone: its calendar days (scheduled dates, periods, filters) are taken there.
    tz: str = DEFAULT_TIMEZONE


def origin_ip(request: Request) -> str | None:
    # The raw ASGI headers (lower-case names, the first of a repeated one wins, as in
    # ``request.headers``): building Starlette's Headers for two look-ups costs more.
    explicit: str | None = None
    forwarded: str | None = None
    for name, value in request.scope["headers"]:
        if name == _ORIGIN_IP and explicit is None:
            explicit = value.decode("latin-1")
        elif name == _FORWARDED_FOR and forwarded is None:
            forwarded = value.decode("latin-1")
    if explicit:
        return explicit.strip()[:45]
    if forwarded:
        return forwarded.split(",")[0].strip()[:45]
    return request.client.host if request.client else None


class TestClocks:
    """Sandbox orgs' stored test times (``org_clock``), read on the request path.

    A process that never advanced a clock still sees the stored time: the row is read at
    most once per org every ``ttl`` seconds (a primary-key read) and loaded into
    ``kit.clock.set_org_time``; when the row is gone the in-process time this cache set is
    cleared again. Keyed by database too, so tests with several databases stay apart.
    """

    __test__ = False  # not a pytest class

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[tuple[Any, int], tuple[float, datetime | None]] = {}
        self._loaded: set[str] = set()

    @staticmethod
    def _key(session: Session, org_id: int) -> tuple[Any, int]:
        return (session.get_bind().engine.url, org_id)

    def instant(self, session: Session, *, org_id: int, org_slug: str) -> datetime | None:
        """The org's stored test time, or None when it runs on the wall clock."""
        found, instant = self.cached(session, org_id=org_id, org_slug=org_slug)
        if not found:
            instant = self.load(session, org_id=org_id, org_slug=org_slug)
        return instant

    def cached(
        self, session: Session, *, org_id: int, org_slug: str
    ) -> tuple[bool, datetime | None]:
        """(True, the time) while this process's copy is fresh, else (False, None)."""
        entry = self._entries.get(self._key(session, org_id))
        if entry is None or entry[0] <= time.monotonic():
            return False, None
        self._sync(org_slug, entry[1])
        return True, entry[1]

    def load(self, session: Session, *, org_id: int, org_slug: str) -> datetime | None:
        """Read the stored time (a primary-key read) and keep it for ``ttl`` seconds."""
        instant = session.scalar(select(OrgClock.now_at).where(OrgClock.org_id == org_id))
        self._entries[self._key(session, org_id)] = (time.monotonic() + self.ttl, instant)
        self._sync(org_slug, instant)
        return instant

    def remember(
        self, session: Session, *, org_id: int, org_slug: str, instant: datetime | None
    ) -> None:
        """What this process just stored (or rolled back to), so it sees it at once."""
        self._entries[self._key(session, org_id)] = (time.monotonic() + self.ttl, instant)
        self._sync(org_slug, instant)

    def forget(self) -> None:
        """Drop every cached clock and the in-process times loaded from them."""
        with self._lock:
            self._entries.clear()
            for slug in self._loaded:
                clear_org_time(slug)
            self._loaded.clear()

    def _sync(self, org_slug: str, instant: datetime | None) -> None:
        with self._lock:
            if instant is not None:
                set_org_time(org_slug, instant)
                self._loaded.add(org_slug)
            elif org_slug in self._loaded:
                clear_org_time(org_slug)
                self._loaded.discard(org_slug)


test_clocks = TestClocks(TEST_CLOCK_CACHE_SECONDS)


async def current_caller(request: Request) -> Caller:
    """The caller, from the key the route authenticated and the org's clock.

    The key and the session are looked up directly rather than declared as sub-dependencies:
    FastAPI's solving costs more per level than either lookup.
    """
    auth = await current_key(request)
    instant = None
    if auth.is_sandbox:
        session = await db_session(request)
        found, instant = test_clocks.cached(session, org_id=auth.org_id, org_slug=auth.org_slug)
        if not found:
            instant = await run_sync(
                test_clocks.load, session, org_id=auth.org_id, org_slug=auth.org_slug
            )
    return caller_at(
        instant,
        org_id=auth.org_id,
        org_slug=auth.org_slug,
        actor=auth.key_name,
        timezone=auth.timezone,
        origin_ip=origin_ip(request),
    )


def caller_at(
    instant: datetime | None,
    *,
    org_id: int,
    org_slug: str,
    actor: str,
    timezone: str,
    origin_ip: str | None,
) -> Caller:
    """The caller at the org's stored test time (``instant``), or on its clock when None.

    ``actor`` is what the histories record: the API key's name, or a console staff user's."""
    clock = FrozenClock(instant) if instant is not None else clock_for(org_slug)
    return Caller(
        org_id=org_id,
        org_slug=org_slug,
        actor=actor,
        now=clock.now(),
        today=clock.today(timezone),
        origin_ip=origin_ip,
        tz=timezone,
    )


CallerDep = Annotated[Caller, Depends(current_caller)]
