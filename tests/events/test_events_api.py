"""GET ops/events and ops/events/{id}: filters, cursor pages stable while events are written,
the ``events`` permission, and positions that follow commit order."""

import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.auth.permissions import Permission
from mascustomers.db.engine import begin_for_write
from mascustomers.models import Event, Sell
from mascustomers.outbox import service as outbox
from mascustomers.outbox.changes import DecidedOrder
from mascustomers.outbox.types import EventType
from tests.bodies import mobile_signup, owner
from tests.databases import fresh_database_url, on_postgres
from tests.events.conftest import event_types
from tests.events.world import committed_world
from tests.factories import ApiCaller, make_key, make_org
from tests.penalties.support import OrgTime, frozen_org_time

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def clock(org_slug: str) -> Any:
    yield from frozen_org_time(org_slug)


def signup(api: ApiCaller, number: int, scoring: int = 800) -> None:
    body = mobile_signup(person=owner(number), scoring={"scoring_value": scoring})
    assert api.post("/signups", json=body).status_code in (200, 202)


def page(api: ApiCaller, **params: Any) -> dict[str, Any]:
    response = api.get("/ops/events", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_filters_by_type_family_and_creation_time(api: ApiCaller, clock: OrgTime) -> None:
    clock.on(date(2026, 2, 1))
    signup(api, 10000001)
    clock.on(date(2026, 2, 2))
    signup(api, 10000002, scoring=100)  # rejected
    clock.on(date(2026, 2, 3))
    signup(api, 10000003, scoring=300)  # held
    assert event_types(api) == ["signup.accepted", "signup.rejected", "signup.held"]
    assert event_types(api, type="signup.rejected") == ["signup.rejected"]
    assert event_types(api, type="signup.held,signup.accepted") == [
        "signup.accepted",
        "signup.held",
    ]
    assert event_types(api, type=["signup.*"]) == event_types(api)
    assert event_types(api, type="invoice.*") == []
    assert event_types(api, created_from="2026-02-02T00:00:00Z") == [
        "signup.rejected",
        "signup.held",
    ]
    assert event_types(api, created_to="2026-02-02T10:00:00Z") == ["signup.accepted"]
    assert event_types(api, order="desc") == ["signup.held", "signup.rejected", "signup.accepted"]
    first = page(api, limit=1)["events"][0]
    response = api.get(f"/ops/events/{first['id']}")
    assert response.status_code == 200
    assert response.json() == first


def test_pages_never_repeat_or_skip_while_events_are_written(api: ApiCaller) -> None:
    for i in range(5):
        signup(api, 20000000 + i)
    seen: list[int] = []
    cursor = None
    written = 5
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        found = page(api, **params)
        seen += [event["id"] for event in found["events"]]
        cursor = found["next_cursor"]
        if written < 9:  # more events arrive between the pages
            signup(api, 20000000 + written)
            written += 1
        elif not found["has_more"]:
            break
    everything = [event["id"] for event in page(api, limit=500)["events"]]
    assert seen == everything
    assert len(everything) == written == 9
    # Polling from the last cursor: nothing new, then exactly what came since.
    assert page(api, cursor=cursor)["events"] == []
    assert page(api, cursor=cursor)["next_cursor"] == cursor
    signup(api, 20000099)
    assert [e["type"] for e in page(api, cursor=cursor)["events"]] == ["signup.accepted"]
    # Newest first: the pages go down from the top seen at first; what is added meanwhile
    # is for a new listing.
    before = [event["id"] for event in page(api, limit=500)["events"]]
    newest = page(api, order="desc", limit=4)
    signup(api, 20000098)
    older = page(api, order="desc", limit=100, cursor=newest["next_cursor"])
    down = [e["id"] for e in newest["events"]] + [e["id"] for e in older["events"]]
    assert down == before[::-1]
    assert (older["next_cursor"], older["has_more"]) == (None, False)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"cursor": "abc"}, "0132"),
        ({"cursor": "99999999999999999999"}, "0132"),
        ({"type": "signup.nope"}, "0131"),
        ({"type": "nope.*"}, "0131"),
        ({"order": "sideways"}, "0001"),
        ({"created_from": "yesterday"}, "0001"),
        ({"limit": 501}, "0001"),
    ],
)
def test_bad_queries_are_400(api: ApiCaller, params: dict[str, Any], code: str) -> None:
    response = api.get("/ops/events", params=params)
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_another_orgs_event_is_404(api: ApiCaller, session: Session) -> None:
    signup(api, 30000001)
    event_id = page(api)["events"][0]["id"]
    make_org(session, slug="other")
    other = ApiCaller(api.client, make_key(session, org_slug="other"), "other")
    assert other.get(f"/ops/events/{event_id}").status_code == 404
    assert other.get("/ops/events").json()["events"] == []
    assert api.get("/ops/events/999999").status_code == 404


def test_the_events_permission(api: ApiCaller, session: Session) -> None:
    events_only = make_key(session, org_slug="telco", permissions=frozenset({Permission.EVENTS}))
    ops_only = make_key(session, org_slug="telco", permissions=frozenset({Permission.OPERATIONS}))
    reader = ApiCaller(api.client, events_only, "telco")
    assert reader.get("/ops/events").status_code == 200
    assert reader.get("/ops/webhooks").status_code == 200
    assert reader.get("/ops/clock").status_code == 403
    refused = ApiCaller(api.client, ops_only, "telco").get("/ops/events")
    assert (refused.status_code, refused.json()["code"]) == (403, "0004")


def test_positions_follow_commit_order_not_emit_order(tmp_path: Path, worker_id: str) -> None:
    """A transaction that emits first but commits last comes last: a reader that polled in
    between (after the other commit) still gets it, after its cursor."""
    url = fresh_database_url(f"evt_order_{worker_id}", tmp_path)
    with committed_world(url) as world:
        for i in range(2):
            signup(world.api, 50000000 + i)
        factory = world.factory()
        with factory() as session:
            sells = list(session.scalars(select(Sell).order_by(Sell.id)))
            start = session.scalar(select(Event.position).order_by(Event.position.desc()))
        committed: list[str] = []
        first = factory()
        begin_for_write(first)
        outbox.emit(
            first, EventType.SIGNUP_HELD, DecidedOrder(first.get(Sell, sells[0].id)), at=_now()
        )

        def second() -> None:
            with factory() as other:
                begin_for_write(other)  # SQLite: waits for the first writer
                outbox.emit(
                    other,
                    EventType.SIGNUP_REJECTED,
                    DecidedOrder(other.get(Sell, sells[1].id)),
                    at=_now(),
                )
                other.commit()
                committed.append("rejected")

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=1.0)  # PostgreSQL: done; SQLite: still waiting for the lock
        seen = [e["type"] for e in page(world.api, cursor=str(start))["events"]]
        first.commit()
        committed.append("held")
        first.close()
        thread.join()
        later = page(world.api, cursor=str(start))["events"]
        assert [e["type"] for e in later] == [f"signup.{name}" for name in committed]
        assert [e["type"] for e in later][: len(seen)] == seen
        if on_postgres():  # no write lock there: the later emitter committed first
            assert committed == ["rejected", "held"]
            assert seen == ["signup.rejected"]


def _now() -> datetime:
    from mascustomers.kit.clock import default_clock

    return default_clock().now()
