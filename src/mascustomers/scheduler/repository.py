"""All SQL of the scheduler: due operations, leases, outcomes, and stored test clocks.

On PostgreSQL due rows are picked with ``FOR UPDATE SKIP LOCKED`` so several scheduler
processes take disjoint rows; on SQLite the caller's ``BEGIN IMMEDIATE`` makes the pick and
the lease one single-writer step. "Due" is judged in each org's time: its stored test clock
when it has one, else the wall clock.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.db.base import UtcDateTime
from mascustomers.models import Org, OrgClock, ScheduledOperation
from mascustomers.scheduler.states import OperationStatus

S = OperationStatus


def _locking(session: Session, query: Select[Any]) -> Select[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def _org_time(wall_now: datetime) -> Any:
    """The row's org time: its test clock if set, else ``wall_now``."""
    stored = (
        select(OrgClock.now_at)
        .where(OrgClock.org_id == ScheduledOperation.org_id)
        .scalar_subquery()
    )
    return func.coalesce(stored, literal(wall_now, type_=UtcDateTime()))


def due_ids(session: Session, *, wall_now: datetime, limit: int) -> list[int]:
    """What to lease: due PENDING operations (oldest first) and RUNNING ones whose lease ran out."""
    expired = session.scalars(
        _locking(
            session,
            select(ScheduledOperation.id)
            .where(
                ScheduledOperation.status == S.RUNNING,
                ScheduledOperation.lease_until < wall_now,
            )
            .order_by(ScheduledOperation.due_at, ScheduledOperation.id)
            .limit(limit),
        )
    ).all()
    pending = session.scalars(
        _locking(
            session,
            select(ScheduledOperation.id)
            .where(
                ScheduledOperation.status == S.PENDING,
                ScheduledOperation.due_at <= _org_time(wall_now),
            )
            .order_by(ScheduledOperation.due_at, ScheduledOperation.id)
            .limit(max(limit - len(expired), 0)),
        )
    ).all()
    return [*expired, *pending]


def lease(session: Session, ids: Sequence[int], *, worker: str, until: datetime) -> None:
    if ids:
        session.execute(
            update(ScheduledOperation)
            .where(ScheduledOperation.id.in_(ids))
            .values(status=S.RUNNING, leased_by=worker, lease_until=until)
        )


def lock_operation(session: Session, operation_id: int) -> ScheduledOperation | None:
    """The operation, row-locked on PostgreSQL (waiting for a holder, not skipping it)."""
    query = select(ScheduledOperation).where(ScheduledOperation.id == operation_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def next_due_of_org(
    session: Session, *, org_id: int, until: datetime, wall_now: datetime
) -> ScheduledOperation | None:
    """The org's earliest operation due by ``until`` that nobody holds a live lease on."""
    query = (
        select(ScheduledOperation)
        .where(
            ScheduledOperation.org_id == org_id,
            ScheduledOperation.due_at <= until,
            or_(
                ScheduledOperation.status == S.PENDING,
                (ScheduledOperation.status == S.RUNNING)
                & (ScheduledOperation.lease_until < wall_now),
            ),
        )
        .order_by(ScheduledOperation.due_at, ScheduledOperation.id)
        .limit(1)
    )
    return session.scalars(
        _locking(session, query).execution_options(populate_existing=True)
    ).one_or_none()


def stored_clock(session: Session, *, org_id: int) -> datetime | None:
    return session.scalar(select(OrgClock.now_at).where(OrgClock.org_id == org_id))


def store_clock(session: Session, *, org_id: int, instant: datetime) -> None:
    """Set the org's test clock, never moving a stored one backwards."""
    moved = session.execute(
        update(OrgClock)
        .where(OrgClock.org_id == org_id, OrgClock.now_at < instant)
        .values(now_at=instant)
    )
    if moved.rowcount:  # type: ignore[attr-defined]
        return
    if stored_clock(session, org_id=org_id) is not None:
        return
    try:
        with session.begin_nested():
            session.execute(insert(OrgClock).values(org_id=org_id, now_at=instant))
    except IntegrityError:
        store_clock(session, org_id=org_id, instant=instant)


def org_by_id(session: Session, org_id: int) -> Org | None:
    return session.get(Org, org_id)
