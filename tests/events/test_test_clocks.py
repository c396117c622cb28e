"""Test clocks: advancing a sandbox org's clock emits what falls due, at its due time, and the
delivery worker sends it."""

from datetime import timedelta
from typing import Any

import pytest

from mascustomers.kit.clock import format_timestamp
from tests.bodies import mobile_line, mobile_signup, owner
from tests.catalogue_fixture import BONUS_3GB, sim_iccid
from tests.events.conftest import MakeWorker, add_endpoint, event_types
from tests.events.receiver import Receiver
from tests.factories import ApiCaller
from tests.scheduler.test_clock_api import advance, at, month_after_next

pytestmark = pytest.mark.usefixtures("catalogue")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def test_a_scheduled_bonus_start_and_a_portability_window_fall_due(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    month = month_after_next()
    advance(api, at(month.start, 10))
    add_endpoint(api, receiver.url(), ["subscription.*", "portability.*"])
    live = ok(api.post("/signups", json=mobile_signup(line=mobile_line(iccid=sim_iccid(4)))))
    line_id = live["account_info"]["subscriptions"][0]["subscription_id"]
    start_day = month.start + timedelta(days=3)
    body = {"bonusId": BONUS_3GB, "scheduled_date": start_day.isoformat()}
    ok(api.put(f"/subscriptions/{line_id}/bonuses", json=body), 201)
    window = month.start + timedelta(days=5)
    ported = mobile_signup(
        person=owner(77777777),
        line=mobile_line(
            msisdn="655123456",
            portability_info={
                "scheduled_date": window.isoformat(),
                "operator_id": "MOVISTAR",
                "donor_line_type": "C",
            },
        ),
    )
    ported_id = ok(api.post("/signups", json=ported))["account_info"]["subscriptions"][0][
        "subscription_id"
    ]
    assert event_types(api, type="subscription.*,portability.*") == []  # nothing due yet
    make_worker().run_until_idle()
    assert receiver.received == []

    ran = advance(api, at(window, 12))["ran"]
    assert [r["kind"] for r in ran] == ["EMIT_EVENT", "PORTABILITY_WINDOW"]  # type: ignore[index]
    listed = ok(api.get("/ops/events", params={"type": "subscription.*,portability.*"}))
    events = listed["events"]
    assert [(e["type"], e["created"]) for e in events] == [
        ("subscription.bonus_started", format_timestamp(at(start_day))),
        ("subscription.activated", format_timestamp(at(window))),
        ("portability.completed", format_timestamp(at(window))),
    ]
    assert events[0]["subject"]["subscription_id"] == line_id
    assert events[2]["subject"]["subscription_id"] == ported_id
    make_worker().run_until_idle()
    assert receiver.events() == events


def test_a_scheduled_bonus_removed_before_it_starts_announces_nothing(api: ApiCaller) -> None:
    month = month_after_next()
    advance(api, at(month.start, 10))
    live = ok(api.post("/signups", json=mobile_signup(line=mobile_line(iccid=sim_iccid(5)))))
    line_id = live["account_info"]["subscriptions"][0]["subscription_id"]
    start_day = month.start + timedelta(days=3)
    body = {"bonusId": BONUS_3GB, "scheduled_date": start_day.isoformat()}
    ok(api.put(f"/subscriptions/{line_id}/bonuses", json=body), 201)
    ok(api.delete(f"/subscriptions/{line_id}/bonuses/{BONUS_3GB}"), 202)
    ran = advance(api, at(start_day, 12))["ran"]
    assert [(r["kind"], r["status"]) for r in ran] == [("EMIT_EVENT", "CANCELLED")]  # type: ignore[index]
    assert event_types(api, type="subscription.*") == []
