"""Test clocks: move a sandbox org's time forward and run everything that falls due.

``advance(to)`` walks the org's timeline from its current time to ``to``: the next event is
the earlier of the org's next due operation and the next billing-cycle close (the start of a
month in the org's time zone). Each event runs with its own due time as "now" and in its own
transaction, which also stores the clock at that time — so an integrator watches a scheduled
tariff change happen on its date, a cycle close bill the month, and an operation created by
another one run in turn. An advance that stops half-way (crash, error) leaves the clock at
the last event it completed; advancing again carries on from there. Operations that fail are
retried at their backoff times within the advance, then FAILED, like in the scheduler.

Only sandbox orgs (``org.is_sandbox``) have test clocks; time only moves forward, at most
``MAX_ADVANCE`` per call.
"""

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing import service as billing_service
from mascustomers.billing.cycles import Cycle, closed_cycles_between
from mascustomers.clocks.errors import (
    ClockAdvanceTooFar,
    ClockNeedsSandbox,
    ClockOnlyMovesForward,
)
from mascustomers.db.engine import begin_for_write
from mascustomers.kit.clock import ensure_utc, format_timestamp
from mascustomers.models import Org, ScheduledOperation
from mascustomers.scheduler import clocks, repository, runner
from mascustomers.scheduler.config import SchedulerConfig, worker_name
from mascustomers.scheduler.registry import Registry

MAX_ADVANCE = timedelta(days=3660)
# A guard: operations created on the way may add events, but not without end.
_MAX_EVENTS = 1_000_000


@dataclass(frozen=True)
class BillingEvent:
    cycle: Cycle
    ran_at: datetime
    run: billing_jobs.BillingRun


@dataclass
class Advance:
    org_slug: str
    started_at: datetime
    target: datetime
    operations: list[runner.Outcome] = field(default_factory=list)
    billing: list[BillingEvent] = field(default_factory=list)


def require_sandbox(org: Org) -> None:
    if not org.is_sandbox:
        raise ClockNeedsSandbox(
            f"org {org.slug!r} is not a sandbox; its time is the real time", org=org.slug
        )


def _check_target(current: datetime, target: datetime) -> None:
    if target < current:
        raise ClockOnlyMovesForward(
            f"advance_to: {format_timestamp(target)} is before the org's time "
            f"{format_timestamp(current)}"
        )
    if target - current > MAX_ADVANCE:
        raise ClockAdvanceTooFar(
            f"advance_to: at most {MAX_ADVANCE.days} days past the org's time "
            f"{format_timestamp(current)} in one call"
        )


def advance(
    session: Session,
    *,
    org: Org,
    to: datetime,
    registry: Registry,
    config: SchedulerConfig,
) -> Advance:
    """Move ``org``'s test clock to ``to``, running what falls due on the way (commits)."""
    require_sandbox(org)
    ref = billing_service.OrgRef.of(org)
    current = clocks.org_now(session, org_id=ref.id)
    target = ensure_utc(to)
    _check_target(current, target)
    result = Advance(org_slug=ref.slug, started_at=current, target=target)
    pending_cycles = closed_cycles_between(current, target, ref.timezone)
    worker = worker_name("clock-advance")
    cursor = current
    tried: set[tuple[int, datetime]] = set()
    try:
        for _ in range(_MAX_EVENTS):
            operation = repository.next_due_of_org(
                session, org_id=ref.id, until=target, wall_now=clocks.wall_now()
            )
            cycle = pending_cycles[0] if pending_cycles else None
            if cycle is not None and (
                operation is None or cycle.closes_at(ref.timezone) <= operation.due_at
            ):
                pending_cycles.pop(0)
                cursor = cycle.closes_at(ref.timezone)
                result.billing.append(_bill(session, ref, cycle, cursor))
            elif operation is not None:
                if (operation.id, operation.due_at) in tried:
                    raise RuntimeError(f"scheduled operation {operation.id} could not be run")
                tried.add((operation.id, operation.due_at))
                cursor = max(ensure_utc(operation.due_at), cursor)
                result.operations.append(
                    _run(
                        session,
                        ref,
                        operation,
                        at=cursor,
                        worker=worker,
                        registry=registry,
                        config=config,
                    )
                )
            else:
                break
        clocks.move_to(session, org_id=ref.id, org_slug=ref.slug, instant=target)
        session.commit()
    except BaseException:
        session.rollback()
        with suppress(Exception):  # keep the original error; the cache expires anyway
            clocks.reload(session, org_id=ref.id, org_slug=ref.slug)
        raise
    return result


def _bill(
    session: Session, org: billing_service.OrgRef, cycle: Cycle, at: datetime
) -> BillingEvent:
    """Close a cycle: bill it at its close instant, then store the clock there."""
    clocks.move_to(session, org_id=org.id, org_slug=org.slug, instant=at)
    run = billing_jobs.run_cycle(session, org=org, cycle=cycle, now=at)
    clocks.move_to(session, org_id=org.id, org_slug=org.slug, instant=at)
    billing_jobs.commit_batch(session)
    return BillingEvent(cycle=cycle, ran_at=at, run=run)


def _run(
    session: Session,
    org: billing_service.OrgRef,
    operation: ScheduledOperation,
    *,
    at: datetime,
    worker: str,
    registry: Registry,
    config: SchedulerConfig,
) -> runner.Outcome:
    """Run one due operation at ``at``; its transaction also stores the clock there."""
    clocks.move_to(session, org_id=org.id, org_slug=org.slug, instant=at)
    outcome = runner.execute(
        session,
        operation,
        now=at,
        registry=registry,
        config=config,
        worker=worker,
        also=lambda s: clocks.move_to(s, org_id=org.id, org_slug=org.slug, instant=at),
    )
    begin_for_write(session)  # the next event's transaction
    return outcome
