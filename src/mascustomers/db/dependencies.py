"""The request's session, opened and ended by its route (``routing.v2_route.V2Route``)."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.types import Scope

from mascustomers.db.readers import as_reader

_SESSION_KEY = "mascustomers.session"

READ_ONLY_EXTRA = "x-read-only"
# A GET that stores what it computes (the reference's penalty computations): begun as a writer.
WRITES_EXTRA = "x-writes"


def open_session(request: Request, *, reader: bool = False) -> Session:
    """The request's one session (no connection yet: it connects on first use); a reader's
    reads outside transactions where the database allows it (``db.readers``)."""
    session: Session = request.app.state.sessionmaker()
    if reader:
        as_reader(session)
    request.scope[_SESSION_KEY] = session
    return session


def take_session(scope: Scope) -> Session | None:
    """Hand the request's session over to whoever ends it (once)."""
    session: Session | None = scope.pop(_SESSION_KEY, None)
    return session


async def db_session(request: Request) -> Session:
    """The session the route opened for this request.

    A plain ``async`` dependency that only looks the session up: a ``def`` one would cost a
    thread hop, a ``yield`` one FastAPI's exit-stack machinery — both more than a read.
    """
    session: Session | None = request.scope.get(_SESSION_KEY)
    if session is None:
        session = open_session(request)
    return session


SessionDep = Annotated[Session, Depends(db_session)]
