"""``Idempotency-Key`` on POST/PUT/PATCH/DELETE: same key and body → the stored response.

The key is reserved inside the request's own transaction (a row with status 0), so the
operation and its reservation commit or roll back together; the answer is written into the
row once it has been sent. A retry with the same key and body gets the stored answer
(header ``Idempotent-Replayed: true``); with another body, or while the first request has no
stored answer yet, a 400 ``0013``.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.auth.dependencies import CurrentKey
from mascustomers.db.dependencies import SessionDep
from mascustomers.db.engine import begin_for_write
from mascustomers.errors import IdempotencyKeyReused, ValidationFailed
from mascustomers.kit.clock import clock_for
from mascustomers.models import IdempotentRequest

HEADER = "idempotency-key"
RECORD_STATE = "idempotency_record_id"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger("mascustomers.idempotency")


class IdempotentReplay(Exception):
    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body


async def reserve_key(request: Request, session: SessionDep, auth: CurrentKey) -> None:
    """Router-level dependency: a no-op without the header."""
    key = request.headers.get(HEADER)
    if key is None or request.method not in _WRITES:
        return
    key = key.strip()
    if not 1 <= len(key) <= 200:
        raise ValidationFailed("Idempotency-Key: must be 1 to 200 characters")
    digest = hashlib.sha256(
        f"{request.method} {request.url.path}?{request.url.query}\n".encode() + await request.body()
    ).hexdigest()
    existing = session.scalars(
        select(IdempotentRequest).where(
            IdempotentRequest.org_id == auth.org_id, IdempotentRequest.key == key
        )
    ).one_or_none()
    if existing is not None:
        _replay_or_refuse(existing, digest)
    record = IdempotentRequest(
        org_id=auth.org_id,
        key=key,
        body_hash=digest,
        method=request.method,
        path=request.url.path,
        status_code=0,
        created_at=clock_for(auth.org_slug).now(),
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError as error:
        raise IdempotencyKeyReused(
            "Idempotency-Key: a request with this key is in progress"
        ) from error
    request.state.idempotency_record_id = record.id


def _replay_or_refuse(existing: IdempotentRequest, digest: str) -> None:
    if existing.body_hash != digest:
        raise IdempotencyKeyReused("Idempotency-Key: already used with another request")
    if existing.status_code == 0:
        raise IdempotencyKeyReused(
            "Idempotency-Key: the first request with this key has no answer yet"
        )
    raise IdempotentReplay(existing.status_code, existing.response)


async def replay_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IdempotentReplay)
    return JSONResponse(
        exc.body, status_code=exc.status_code, headers={"idempotent-replayed": "true"}
    )


def store_answer(
    sessionmaker: Callable[[], Session], record_id: int, status_code: int, body: bytes
) -> None:
    """Called by the middleware after the answer was sent (the request has committed)."""
    try:
        document = json.loads(body) if body else None
    except ValueError:
        document = None
    try:
        with sessionmaker() as session:
            begin_for_write(session)
            session.execute(
                update(IdempotentRequest)
                .where(IdempotentRequest.id == record_id)
                .values(status_code=status_code, response=document)
            )
            session.commit()
    except Exception:  # the answer was sent; a lost record only means no replay
        log.exception("could not store the idempotent answer", extra={"record": record_id})
