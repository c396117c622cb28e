"""One database session and one transaction per request, committed before the response is sent."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.types import Scope

from mascustomers.db.engine import begin_for_write

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SESSION_KEY = "mascustomers.session"

READ_ONLY_EXTRA = "x-read-only"


def _read_only(request: Request) -> bool:
    """POST searches (users/tree) declare ``x-read-only`` and need no write lock."""
    extra = getattr(request.scope.get("route"), "openapi_extra", None) or {}
    return bool(extra.get(READ_ONLY_EXTRA))


async def db_session(request: Request) -> Session:
    """The request's session, opened on first use; writers take the write lock at once.

    A plain dependency rather than a ``yield`` one: FastAPI's generator machinery (exit
    stack, shielded cancel scope) cost more than a primary-key read. The v2 routes end the
    transaction instead (``api.v2_route.V2Route``).
    """
    session: Session | None = request.scope.get(_SESSION_KEY)
    if session is None:
        session = request.app.state.sessionmaker()
        request.scope[_SESSION_KEY] = session
        if request.method in _WRITE_METHODS and not _read_only(request):
            begin_for_write(session)
    return session


def end_session(scope: Scope, *, commit: bool) -> None:
    """Commit (or roll back) and close the request's session, if it opened one."""
    session: Session | None = scope.pop(_SESSION_KEY, None)
    if session is None:
        return
    try:
        if commit and session.in_transaction():
            session.commit()
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(db_session)]
