"""All SQL of the event stream: numbering and writing events, reading them back in order."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    String,
    Table,
    TextClause,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.db.base import JsonDoc, UtcDateTime
from mascustomers.db.pipelining import NO_ANSWER, insert_needing_no_answer, send
from mascustomers.models import Event, Org, OrgSequence

EVENT_COUNTER = "event"
_COUNTER = cast(Table, OrgSequence.__table__)
_EVENTS = cast(Table, Event.__table__)
# Built once: every committing transaction with events runs these two.
_ADVANCE = (
    update(_COUNTER)
    .where(_COUNTER.c.org_id == bindparam("org"), _COUNTER.c.name == EVENT_COUNTER)
    .values(last_value=_COUNTER.c.last_value + bindparam("count"))
    .returning(_COUNTER.c.last_value)
)
_INSERT = insert_needing_no_answer(_EVENTS)
# The org's last ``count`` events, written by the transaction that holds its event counter
# (``%(org)s``, ``%(count)s``: ``db.at_commit.fix_rows``).
LAST_EVENTS = (
    "org_id = %(org)s AND position > (SELECT last_value FROM org_sequence"
    " WHERE org_id = %(org)s AND name = 'event') - %(count)s"
)
# PostgreSQL: the counter advanced (created on its first use) and the events numbered from it,
# in one statement that needs no answer; built once for each number of events. The events are
# rows of a VALUES list, not arrays: psycopg dumps an array in Python, element by element
# (3 % of a signup's time in the worker, with the counters' names: py-spy).
_MOST_APPENDED = 100


@lru_cache(maxsize=32)
def _append(count: int) -> TextClause:
    rows = ", ".join(
        f"(CAST(:type_{i} AS varchar), CAST(:created_{i} AS timestamptz),"
        f" CAST(:subject_{i} AS json), CAST(:data_{i} AS json), {i + 1})"
        for i in range(count)
    )
    typed = [
        parameter
        for i in range(count)
        for parameter in (
            bindparam(f"type_{i}", type_=String),
            bindparam(f"created_{i}", type_=UtcDateTime()),
            bindparam(f"subject_{i}", type_=JsonDoc),
            bindparam(f"data_{i}", type_=JsonDoc),
        )
    ]
    # Only numbers are written into the text; every value is a parameter.
    sql = f"""
        WITH advanced AS (
            INSERT INTO org_sequence (org_id, name, last_value)
            VALUES (:org, :counter, {count})
            ON CONFLICT (org_id, name)
            DO UPDATE SET last_value = org_sequence.last_value + excluded.last_value
            RETURNING last_value
        )
        INSERT INTO event (org_id, position, type, created_at, subject, data)
        SELECT :org, advanced.last_value - {count} + e.n, e.type, e.created_at, e.subject, e.data
        FROM advanced, (VALUES {rows}) AS e (type, created_at, subject, data, n)
        """  # noqa: S608
    return (
        text(sql)
        .bindparams(
            bindparam("org", type_=BigInteger),
            bindparam("counter", value=EVENT_COUNTER, type_=String),
            *typed,
        )
        .execution_options(**NO_ANSWER)
    )


def append_events(session: Session, *, org_id: int, events: list[dict[str, Any]]) -> None:
    """Number ``events`` (each its ``type``, ``created_at``, ``subject`` and ``data``) from the
    org's event counter, which stays row-locked until commit, and insert them.

    On PostgreSQL that is one statement that needs no answer — the counter advanced (created on
    its first use) and the rows numbered from it in SQL — so it goes out with the COMMIT
    (``db.pipelining``): the counter row, which every writing transaction of the org takes, is
    held for one round trip. Elsewhere, the counter is advanced first and the rows numbered
    from its answer.
    """
    if session.get_bind().dialect.name == "postgresql":
        # In statements of at most _MOST_APPENDED events, numbered one after the other.
        for first in range(0, len(events), _MOST_APPENDED):
            batch = events[first : first + _MOST_APPENDED]
            values: dict[str, Any] = {"org": org_id}
            for i, event in enumerate(batch):
                values[f"type_{i}"] = event["type"]
                values[f"created_{i}"] = event["created_at"]
                values[f"subject_{i}"] = event["subject"]
                values[f"data_{i}"] = event["data"]
            send(session, _append(len(batch)), values)
        return
    last = _take_positions(session, org_id=org_id, count=len(events))
    first = last - len(events) + 1
    rows = [
        {"org_id": org_id, "position": first + offset, **event}
        for offset, event in enumerate(events)
    ]
    _insert_events(session, rows)


def _take_positions(session: Session, *, org_id: int, count: int) -> int:
    """Advance the org's event counter by ``count`` (row-locked until commit); the new last."""
    for _ in range(3):
        # On the connection: the session's execute costs more than this statement.
        connection = session.connection()
        last = connection.execute(_ADVANCE, {"org": org_id, "count": count}).scalar_one_or_none()
        if last is not None:
            return int(last)
        try:
            with session.begin_nested():
                session.execute(
                    insert(_COUNTER).values(org_id=org_id, name=EVENT_COUNTER, last_value=count)
                )
            return count
        except IntegrityError:
            continue  # another transaction created the counter first: advance it
    raise RuntimeError(f"could not number the events of org {org_id}")


def _insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    session.connection().execute(_INSERT, rows)


def last_position(session: Session, *, org_id: int) -> int:
    """The position of the org's latest committed event (0 before the first)."""
    value = session.scalar(
        select(OrgSequence.last_value).where(
            OrgSequence.org_id == org_id, OrgSequence.name == EVENT_COUNTER
        )
    )
    return int(value or 0)


@dataclass(frozen=True)
class EventQuery:
    org_id: int
    types: Sequence[str] | None
    created_from: datetime | None
    created_before: datetime | None
    after: int | None
    before: int | None
    newest_first: bool
    limit: int


def list_events(session: Session, query: EventQuery) -> list[Event]:
    """A page of the org's events by position; ``after``/``before`` are positions."""
    statement = select(Event).where(Event.org_id == query.org_id)
    if query.types is not None:
        statement = statement.where(Event.type.in_(query.types))
    if query.created_from is not None:
        statement = statement.where(Event.created_at >= query.created_from)
    if query.created_before is not None:
        statement = statement.where(Event.created_at < query.created_before)
    if query.after is not None:
        statement = statement.where(Event.position > query.after)
    if query.before is not None:
        statement = statement.where(Event.position < query.before)
    order = Event.position.desc() if query.newest_first else Event.position
    return list(session.scalars(statement.order_by(order).limit(query.limit)).all())


def get_event(session: Session, *, org_id: int, event_id: int) -> Event | None:
    return session.scalars(
        select(Event).where(Event.id == event_id, Event.org_id == org_id)
    ).one_or_none()


def org_slug(session: Session, org_id: int) -> str:
    org = session.get(Org, org_id)
    return org.slug if org is not None else str(org_id)


def org_timezone(session: Session, org_id: int) -> str:
    org = session.get(Org, org_id)
    return org.timezone if org is not None else "Europe/Madrid"


def latest_event_id(session: Session, *, org_id: int) -> int | None:
    """The org's last event (by position), or None before the first."""
    return session.scalar(
        select(Event.id).where(Event.org_id == org_id).order_by(Event.position.desc()).limit(1)
    )
