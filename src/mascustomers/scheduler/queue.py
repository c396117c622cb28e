"""Scheduled operations as the domains see them: put one in, claim it, withdraw or cancel it.

A row waits PENDING until it is due; the runner leases it (RUNNING) and calls its kind's handler
(``scheduler.registry``) — a domain's ``jobs`` module. A handler claims its row with one guarded
UPDATE (PENDING or leased RUNNING → DONE): the runner's retries and a second scheduler process
race for the same row and exactly one wins. An operation a later change makes moot is withdrawn
with the same guard (→ CANCELLED), so it either ran already or never will.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mascustomers.models import ScheduledOperation
from mascustomers.scheduler.states import OperationStatus

# Rows a handler or a withdrawal may still take: waiting, or leased by a runner.
_OPEN = (OperationStatus.PENDING.value, OperationStatus.RUNNING.value)


def operation_values(
    *,
    org_id: int,
    kind: str,
    subscription_id: int | None,
    account_id: int | None,
    payload: dict[str, Any],
    due_at: datetime,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """The columns of a new PENDING operation (for a unit of work's ``append``)."""
    return {
        "org_id": org_id,
        "kind": kind,
        "subscription_id": subscription_id,
        "account_id": account_id,
        "payload": payload,
        "due_at": due_at,
        "status": OperationStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
        "requested_by": actor,
    }


def schedule(
    session: Session,
    *,
    org_id: int,
    kind: str,
    subscription_id: int | None,
    account_id: int | None,
    payload: dict[str, Any],
    due_at: datetime,
    now: datetime,
    actor: str,
) -> ScheduledOperation:
    """A new PENDING operation, flushed for its id."""
    operation = ScheduledOperation(
        **operation_values(
            org_id=org_id,
            kind=kind,
            subscription_id=subscription_id,
            account_id=account_id,
            payload=payload,
            due_at=due_at,
            now=now,
            actor=actor,
        )
    )
    session.add(operation)
    session.flush()
    return operation


def get(session: Session, *, operation_id: int) -> ScheduledOperation | None:
    return session.get(ScheduledOperation, operation_id)


def pending(session: Session, *, subscription_id: int, kind: str) -> Sequence[ScheduledOperation]:
    """The line's PENDING operations of ``kind``, soonest first."""
    return session.scalars(
        select(ScheduledOperation)
        .where(
            ScheduledOperation.subscription_id == subscription_id,
            ScheduledOperation.kind == kind,
            ScheduledOperation.status == OperationStatus.PENDING.value,
        )
        .order_by(ScheduledOperation.due_at, ScheduledOperation.id)
    ).all()


def claim(session: Session, *, operation_id: int, now: datetime) -> bool:
    """PENDING or RUNNING (leased) → DONE in one guarded UPDATE; False if already taken."""
    return _move(session, operation_id, status=OperationStatus.DONE, now=now, error=None)


def withdraw(session: Session, *, operation_id: int, reason: str, now: datetime) -> bool:
    """PENDING or RUNNING (leased) → CANCELLED in one guarded UPDATE; False if it ran already.

    The scheduler claims a row with the same guard, so exactly one of the two wins.
    """
    return _move(session, operation_id, status=OperationStatus.CANCELLED, now=now, error=reason)


def cancel(operation: ScheduledOperation, *, reason: str, now: datetime) -> None:
    """An operation this transaction holds (claimed, or found pending) will not run: why."""
    operation.status = OperationStatus.CANCELLED.value
    operation.done_at = now
    operation.last_error = reason


def _move(
    session: Session,
    operation_id: int,
    *,
    status: OperationStatus,
    now: datetime,
    error: str | None,
) -> bool:
    values: dict[str, Any] = {"status": status.value, "done_at": now, "lease_until": None}
    if error is not None:
        values["last_error"] = error
    result = session.execute(
        update(ScheduledOperation)
        .where(ScheduledOperation.id == operation_id, ScheduledOperation.status.in_(_OPEN))
        .values(values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
