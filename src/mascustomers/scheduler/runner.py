"""Running due operations exactly once: lease, execute, record.

One pass (``tick``):

1. **Lease** — in one short transaction, pick up to ``batch_size`` due operations (PENDING
   with ``due_at`` ≤ the org's time, or RUNNING whose lease ran out) and mark them RUNNING,
   ``leased_by`` this process, ``lease_until`` = wall clock + ``lease_seconds``; commit.
   PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: ``BEGIN IMMEDIATE`` (one writer).
2. **Execute** each, in its own transaction: lock the row, check this process still holds
   the lease, run the handler and mark the operation DONE, then commit — the handler's work
   and the DONE mark are one commit. A process killed mid-run commits nothing: the row stays
   RUNNING until its lease expires and the next pass runs it again, from scratch.
3. **Record failures** — a handler that raises is rolled back; a second transaction adds
   one to ``attempts``, keeps the error, and sets the operation back to PENDING with
   ``due_at`` pushed by exponential backoff, or FAILED after ``max_attempts``. An unknown
   kind is FAILED at once.

While one process executes an operation it holds the row lock (PostgreSQL) or the write
lock (SQLite), so even a lease that expires mid-run cannot be taken and run twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from mascustomers.db.engine import begin_for_write
from mascustomers.models import ScheduledOperation
from mascustomers.scheduler import clocks, repository
from mascustomers.scheduler.config import SchedulerConfig
from mascustomers.scheduler.registry import Registry, UnknownKind
from mascustomers.scheduler.states import OperationStatus, backoff

log = logging.getLogger(__name__)
S = OperationStatus
_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Outcome:
    """What happened to one operation in one attempt."""

    operation_id: int
    kind: str
    org_id: int
    subscription_id: int | None
    due_at: datetime
    ran_at: datetime
    status: str
    attempts: int
    error: str | None = None


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text[:_ERROR_CHARS]


def _outcome(operation: ScheduledOperation, now: datetime) -> Outcome:
    return Outcome(
        operation_id=operation.id,
        kind=operation.kind,
        org_id=operation.org_id,
        subscription_id=operation.subscription_id,
        due_at=operation.due_at,
        ran_at=now,
        status=operation.status,
        attempts=operation.attempts,
        error=operation.last_error,
    )


def _finish(operation: ScheduledOperation, status: S, now: datetime) -> None:
    operation.status = status
    operation.attempts += 1
    operation.leased_by = None
    operation.lease_until = None
    operation.done_at = now


def execute(
    session: Session,
    operation: ScheduledOperation,
    *,
    now: datetime,
    registry: Registry,
    config: SchedulerConfig,
    worker: str | None,
    also: Callable[[Session], None] | None = None,
) -> Outcome:
    """Run one operation the caller holds (leased or row-locked) in the session's transaction.

    Commits the handler's work with the DONE mark (and ``also``, e.g. moving a test clock);
    on failure rolls back and records the failure in a new transaction.
    """
    operation_id = operation.id
    try:
        handler = registry.resolve(operation.kind)
    except UnknownKind as error:
        _finish(operation, S.FAILED, now)
        operation.last_error = str(error)
        return _commit(session, operation, now, also)
    try:
        handler(session, operation, now)
        # A handler may settle its operation itself (e.g. CANCELLED: nothing left to do).
        settled = operation.status in (S.DONE, S.CANCELLED, S.FAILED)
        _finish(operation, S(operation.status) if settled else S.DONE, now)
        return _commit(session, operation, now, also)
    except Exception as error:
        session.rollback()
        log.warning("scheduled operation %s failed: %s", operation_id, _describe(error))
        begin_for_write(session)
        return _record_failure(
            session, operation_id, error, now=now, config=config, worker=worker, also=also
        )


def _commit(
    session: Session,
    operation: ScheduledOperation,
    now: datetime,
    also: Callable[[Session], None] | None,
) -> Outcome:
    if also is not None:
        also(session)
    session.flush()
    outcome = _outcome(operation, now)
    session.commit()
    return outcome


def _record_failure(
    session: Session,
    operation_id: int,
    error: Exception,
    *,
    now: datetime,
    config: SchedulerConfig,
    worker: str | None,
    also: Callable[[Session], None] | None,
) -> Outcome:
    operation = repository.lock_operation(session, operation_id)
    if operation is None or not _still_ours(operation, worker):
        session.rollback()
        return Outcome(operation_id, "", 0, None, now, now, "SKIPPED", 0, _describe(error))
    attempts = operation.attempts + 1
    operation.attempts = attempts
    operation.last_error = _describe(error)
    operation.leased_by = None
    operation.lease_until = None
    if attempts >= config.max_attempts:
        operation.status = S.FAILED
        operation.done_at = now
    else:
        operation.status = S.PENDING
        operation.due_at = now + backoff(
            attempts,
            base_seconds=config.backoff_base_seconds,
            max_seconds=config.backoff_max_seconds,
        )
    return _commit(session, operation, now, also)


def _still_ours(operation: ScheduledOperation, worker: str | None) -> bool:
    """Whether this runner may still write the operation's outcome."""
    if operation.status not in (S.PENDING, S.RUNNING):
        return False
    if operation.leased_by is None or operation.leased_by == worker:
        return True
    return operation.lease_until is not None and operation.lease_until < clocks.wall_now()


def lease(factory: sessionmaker[Session], *, worker: str, config: SchedulerConfig) -> list[int]:
    """Take up to ``batch_size`` due operations for ``worker``; committed at once."""
    with factory() as session:
        begin_for_write(session)
        wall = clocks.wall_now()
        ids = repository.due_ids(session, wall_now=wall, limit=config.batch_size)
        repository.lease(
            session, ids, worker=worker, until=wall + timedelta(seconds=config.lease_seconds)
        )
        session.commit()
        return ids


def run_leased(
    factory: sessionmaker[Session],
    operation_id: int,
    *,
    worker: str,
    registry: Registry,
    config: SchedulerConfig,
) -> Outcome | None:
    """Execute one operation leased by ``worker``; None when the lease was lost meanwhile."""
    with factory() as session:
        begin_for_write(session)
        operation = repository.lock_operation(session, operation_id)
        if operation is None or operation.status != S.RUNNING or operation.leased_by != worker:
            session.rollback()
            return None
        now = clocks.org_now(session, org_id=operation.org_id)
        return execute(session, operation, now=now, registry=registry, config=config, worker=worker)


def tick(
    factory: sessionmaker[Session],
    *,
    worker: str,
    registry: Registry,
    config: SchedulerConfig,
) -> list[Outcome]:
    """One pass: lease what is due, run each leased operation in its own transaction."""
    outcomes = []
    for operation_id in lease(factory, worker=worker, config=config):
        outcome = run_leased(factory, operation_id, worker=worker, registry=registry, config=config)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
