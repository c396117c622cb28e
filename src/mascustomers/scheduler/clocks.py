"""Per-org time for the scheduler and test clocks: stored in ``org_clock``, seen via kit.clock.

An org with a row in ``org_clock`` lives at that instant (frozen) until it is advanced; every
other org lives on the process-wide clock (``kit.clock.default_clock()``, the machine's
clock in production). Leases, on the other hand, are measured on the process-wide clock:
they are about processes being alive, not about an org's business time.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.auth.caller import test_clocks
from mascustomers.kit.clock import clock_for, default_clock
from mascustomers.scheduler import repository


def wall_now() -> datetime:
    """The process-wide "now" that leases are measured on."""
    return default_clock().now()


def org_slug(session: Session, org_id: int) -> str:
    """The org's slug: kit.clock keys org times by slug."""
    org = repository.org_by_id(session, org_id)
    return org.slug if org is not None else f"org-{org_id}"


def org_now(session: Session, *, org_id: int) -> datetime:
    """The org's current time: its stored test clock, else kit.clock's for its slug."""
    slug = org_slug(session, org_id)
    stored = repository.stored_clock(session, org_id=org_id)
    test_clocks.remember(session, org_id=org_id, org_slug=slug, instant=stored)
    return clock_for(slug).now()


def has_test_clock(session: Session, *, org_id: int) -> bool:
    return repository.stored_clock(session, org_id=org_id) is not None


def move_to(session: Session, *, org_id: int, org_slug: str, instant: datetime) -> None:
    """Store the org's test time (forward only) and make this process see it at once."""
    repository.store_clock(session, org_id=org_id, instant=instant)
    test_clocks.remember(session, org_id=org_id, org_slug=org_slug, instant=instant)


def reload(session: Session, *, org_id: int, org_slug: str) -> None:
    """Forget this process's view of the org's clock and read the stored one again."""
    stored = repository.stored_clock(session, org_id=org_id)
    test_clocks.remember(session, org_id=org_id, org_slug=org_slug, instant=stored)
