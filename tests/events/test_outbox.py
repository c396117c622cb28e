"""The outbox on a session: events are written by the outermost commit, numbered without gaps
in commit order; a rollback — of the transaction or of a savepoint — leaves none."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import default_clock
from mascustomers.models import Event, Sell
from mascustomers.outbox import service as outbox
from mascustomers.outbox.changes import DecidedOrder
from mascustomers.outbox.types import EventType
from tests.bodies import mobile_signup, owner
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")


def a_sell(api: ApiCaller, session: Session) -> DecidedOrder:
    assert api.post("/signups", json=mobile_signup(person=owner())).status_code == 200
    return DecidedOrder(session.scalars(select(Sell)).one())


def positions(session: Session) -> list[tuple[int, str]]:
    session.expire_all()
    return [(e.position, e.type) for e in session.scalars(select(Event).order_by(Event.position))]


def test_written_at_commit_numbered_in_order(api: ApiCaller, session: Session) -> None:
    sell = a_sell(api, session)
    now = default_clock().now()
    outbox.emit(session, EventType.SIGNUP_HELD, sell, at=now)
    outbox.emit(session, EventType.SIGNUP_REJECTED, sell, at=now)
    assert outbox.pending_types(session) == ["signup.held", "signup.rejected"]
    assert positions(session) == [(1, "signup.accepted")]  # not yet: nothing is written early
    session.commit()
    assert positions(session) == [
        (1, "signup.accepted"),
        (2, "signup.held"),
        (3, "signup.rejected"),
    ]


def test_a_rollback_leaves_nothing(api: ApiCaller, session: Session) -> None:
    sell = a_sell(api, session)
    outbox.emit(session, EventType.SIGNUP_HELD, sell, at=default_clock().now())
    session.rollback()
    assert outbox.pending_types(session) == []
    session.commit()
    assert positions(session) == [(1, "signup.accepted")]


def test_a_rolled_back_savepoint_takes_its_events_with_it(api: ApiCaller, session: Session) -> None:
    sell = a_sell(api, session)
    now = default_clock().now()
    outbox.emit(session, EventType.SIGNUP_HELD, sell, at=now)
    with session.begin_nested():
        outbox.emit(session, EventType.SIGNUP_REJECTED, sell, at=now)  # kept: released
    nested = session.begin_nested()
    outbox.emit(session, EventType.SIGNUP_ACCEPTED, sell, at=now)
    nested.rollback()
    assert outbox.pending_types(session) == ["signup.held", "signup.rejected"]
    session.commit()
    assert [t for _, t in positions(session)] == [
        "signup.accepted",
        "signup.held",
        "signup.rejected",
    ]
