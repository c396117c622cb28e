"""One database session and one transaction per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from mascustomers.db.engine import begin_for_write

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


READ_ONLY_EXTRA = "x-read-only"


def _read_only(request: Request) -> bool:
    """POST searches (users/tree) declare ``x-read-only`` and need no write lock."""
    extra = getattr(request.scope.get("route"), "openapi_extra", None) or {}
    return bool(extra.get(READ_ONLY_EXTRA))


async def db_session(request: Request) -> AsyncIterator[Session]:
    """The request's session: committed once if the handler succeeds, else rolled back."""
    session: Session = request.app.state.sessionmaker()
    try:
        if request.method in _WRITE_METHODS and not _read_only(request):
            begin_for_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the commit happens when the endpoint returns, before the response is
# sent, so a client never sees a 2xx for work that is not committed.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]
