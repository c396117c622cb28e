"""Stored answers of keyed writes (``idempotent_request``): claim, store, purge."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.db import at_commit
from mascustomers.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from mascustomers.idempotency.keys import IdempotentWrite, advisory_lock_id
from mascustomers.models import IdempotentRequest

_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:lock)")


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: Any
    empty: bool


def claim(
    session: Session, write: IdempotentWrite, *, expired_before: datetime
) -> StoredAnswer | None:
    """In the request's transaction, before the operation: the answer to replay, or None when
    the operation should run (then ``store`` records its answer in the same transaction)."""
    if session.get_bind().dialect.name == "postgresql" and not session.scalar(
        _TRY_LOCK, {"lock": advisory_lock_id(write)}
    ):
        raise IdempotencyKeyInProgress(
            "Idempotency-Key: a request with this key is in progress; retry when it answers"
        )
    row = session.scalars(
        select(IdempotentRequest).where(
            IdempotentRequest.org_id == write.org_id, IdempotentRequest.key == write.key
        )
    ).one_or_none()
    if row is None:
        return None
    if row.created_at < expired_before:
        session.delete(row)
        session.flush()
        return None
    if row.body_hash != write.digest:
        raise IdempotencyKeyReused(
            "Idempotency-Key: already used with another request (method, path, query or body)"
        )
    if row.status_code == 0:
        # Written by versions before the answer was stored with the operation: the operation
        # committed but its answer was lost.
        raise IdempotencyKeyReused(
            "Idempotency-Key: the request with this key ran but its answer was not kept"
        )
    return StoredAnswer(row.status_code, row.response, empty=row.response is None)


def store(
    session: Session, write: IdempotentWrite, *, status_code: int, body: Any, now: datetime
) -> None:
    """Record the answer; a concurrent first use of the key (a unique-index clash, which the
    claim's lock should have prevented) rolls the whole request back as a 409."""
    session.flush()  # the operation's own pending rows first: their errors are theirs
    row = IdempotentRequest(
        org_id=write.org_id,
        key=write.key,
        body_hash=write.digest,
        method=write.method,
        path=write.path[:300],
        status_code=status_code,
        response=body,
        created_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        raise IdempotencyKeyInProgress(
            "Idempotency-Key: a request with this key is in progress; retry when it answers"
        ) from error
    # The answer may show numbers taken as the operation commits (db.at_commit).
    at_commit.fix_rows(
        session,
        table="idempotent_request",
        where="id = %(id)s",
        params={"id": row.id},
        columns=["response"],
        json=["response"],
    )


def purge_expired(session: Session, *, before: datetime, limit: int = 1000) -> int:
    """Delete up to ``limit`` answers older than ``before``; the number deleted."""
    ids = session.scalars(
        select(IdempotentRequest.id).where(IdempotentRequest.created_at < before).limit(limit)
    ).all()
    if ids:
        session.execute(delete(IdempotentRequest).where(IdempotentRequest.id.in_(ids)))
    return len(ids)
