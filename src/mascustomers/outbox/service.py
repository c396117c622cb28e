"""The transactional outbox: an event is written by the transaction that makes its change.

``emit`` is the one call a service makes where state changes. It builds the event's snapshot
(``events.snapshots``: the answer of the matching GET, read in the same transaction) and
keeps the event with the session; nothing is written and nothing is sent. When the session's
outermost transaction commits, its events are inserted just before the COMMIT, numbered from
the org's ``event`` counter (``org_sequence``) — so they are durable exactly when the change
is, and a rolled-back request (or savepoint) leaves none. On PostgreSQL the counter and the
rows are one statement that goes out with the COMMIT (``repository.append_events``,
``db.pipelining``); elsewhere the counter is advanced first.

Positions: the counter row is taken at commit, the last thing the transaction does, and
held until COMMIT; two transactions of an org therefore number their events in the order
they commit, without gaps. A reader that has seen position N has seen every event before it
— the events API's cursor and the webhook worker's queue rely on that. Taking the counter
last also keeps the lock short and after every other lock of the transaction (no deadlock):
on PostgreSQL it is held for one round trip.
"""

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction

from mascustomers.db import at_commit
from mascustomers.db.pipelining import until_commit
from mascustomers.kit.clock import ensure_utc
from mascustomers.outbox import repository
from mascustomers.outbox.types import EventType

_PENDING = "mascustomers.events.pending"
_SNAPSHOTS = "mascustomers.events.snapshots"


@dataclass(frozen=True)
class Built:
    """What an event says about its object: org, ids (``subject``) and the GET's answer."""

    org_id: int
    subject: dict[str, int | str | None]
    object: dict[str, Any]


class _Snapshots(Protocol):
    def build(self, session: Session, type: EventType, source: Any, at: datetime) -> Built: ...


@dataclass
class _Pending:
    transaction: SessionTransaction | None
    org_id: int
    type: str
    created_at: datetime
    subject: dict[str, int | str | None]
    data: dict[str, Any]


_snapshots: list[_Snapshots] = []


def _builder() -> _Snapshots:
    # Imported on first use: the snapshots read through the domains' read functions, and the
    # domains import this module to emit.
    if not _snapshots:
        module: Any = importlib.import_module(_SNAPSHOTS)
        _snapshots.append(module)
    return _snapshots[0]


def emit(
    session: Session,
    type: EventType,
    source: Any,
    *,
    at: datetime,
    previous: Mapping[str, Any] | None = None,
) -> None:
    """Record that ``source`` changed (``type``) at the org's time ``at``; written at commit."""
    built = _builder().build(session, type, source, at)
    data: dict[str, Any] = {"object": built.object}
    if previous is not None:
        data["previous"] = dict(previous)
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    pending.append(
        _Pending(
            transaction=session.get_nested_transaction() or session.get_transaction(),
            org_id=built.org_id,
            type=type.value,
            created_at=ensure_utc(at),
            subject=built.subject,
            data=data,
        )
    )


def pending_types(session: Session) -> list[str]:
    """The types emitted in the session's transaction so far (tests, diagnostics)."""
    return [entry.type for entry in session.info.get(_PENDING, [])]


@sa_event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    # Also called when a savepoint is released: only the outermost commit writes.
    if session.in_nested_transaction():
        return
    pending: list[_Pending] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_org: dict[int, list[_Pending]] = {}
    for entry in pending:
        by_org.setdefault(entry.org_id, []).append(entry)
    # The events go out with the COMMIT where they can (PostgreSQL, db.pipelining).
    until_commit(session)
    for org_id in sorted(by_org):
        events = [
            {
                "type": entry.type,
                "created_at": entry.created_at,
                "subject": entry.subject,
                "data": entry.data,
            }
            for entry in by_org[org_id]
        ]
        repository.append_events(session, org_id=org_id, events=events)
        # An order's events name its work order, numbered as it commits (db.at_commit).
        at_commit.fix_rows(
            session,
            table="event",
            where=repository.LAST_EVENTS,
            params={"org": org_id, "count": len(events)},
            columns=["subject", "data"],
            json=["subject", "data"],
        )


def _inside(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    """Whether ``transaction`` is ``ended`` or nested in it (None: the outermost)."""
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return ended.parent is None


@sa_event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending: list[_Pending] | None = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [
            entry for entry in pending if not _inside(entry.transaction, previous_transaction)
        ]


@sa_event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction is over (committed, rolled back or closed): nothing is left
    # to write, whatever happened.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
