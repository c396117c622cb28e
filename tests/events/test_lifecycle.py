"""Must show 1: a line's life produces exactly the documented events, in order, each delivered
signed to a receiver on 127.0.0.1 and shaped as the OpenAPI document's schema of its type.

Signup with a shipped SIM (30-day bonus, financed phone) → activate-sim → tariff change
scheduled → the test clock advanced past the change and the bonus's end → penalties computed
and confirmed → the clock past the month's close (the billing run).
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from mascustomers.billing.cycles import Cycle
from mascustomers.events.signature import verify
from mascustomers.kit.clock import format_timestamp, local_date
from tests.billing.world import madrid
from tests.bodies import device, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import BONUS_3GB, MOBILE_ONLY_20GB, MOBILE_ONLY_30GB
from tests.events.conftest import MakeWorker, add_endpoint
from tests.events.receiver import Receiver
from tests.events.schemas import schema_validator
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXPECTED = [
    ("signup.accepted", "sell_id"),
    ("subscription.activated", "subscription_id"),
    ("subscription.product_change_scheduled", "subscription_id"),
    ("subscription.product_changed", "subscription_id"),
    ("subscription.bonus_ended", "subscription_id"),
    ("penalty.confirmed", "computed_penalty_id"),
    ("invoice.issued", "invoice_id"),
]


def a_month_with_31_days() -> Cycle:
    """A month ahead of the real date whose bonus of 30 days ends before it closes."""
    cycle = Cycle.of(local_date(datetime.now(UTC), "Europe/Madrid")).next().next()
    while (cycle.next().start - cycle.start).days != 31:
        cycle = cycle.next()
    return cycle


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def advance(api: ApiCaller, instant: datetime) -> list[dict[str, Any]]:
    body = ok(api.post("/ops/clock", json={"advance_to": format_timestamp(instant)}))
    return list(body["ran"])


def test_a_lifecycle_produces_the_documented_events_in_order_delivered_signed(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    month = a_month_with_31_days()
    start = madrid(month.start.year, month.start.month, 1, 10)
    advance(api, start)
    endpoint = add_endpoint(api, receiver.url())
    body = mobile_signup(
        person=owner(),
        line=mobile_line(MOBILE_ONLY_20GB, bonuses=[{"id": BONUS_3GB}], devices=[device()]),
        scoring={"scoring_value": 800, "credit_limit_available": "2000"},
    )
    signed = ok(api.post("/signups", json=body))
    line = signed["account_info"]["subscriptions"][0]
    account_id = signed["account_info"]["account_id"]
    ok(api.patch("/signups/activate-sim", json={"msisdn": str(line["msisdn"])}))
    change_day = date(month.start.year, month.start.month, 5)
    scheduled = {"productId": MOBILE_ONLY_30GB, "scheduled_date": change_day.isoformat()}
    ok(api.patch(f"/subscriptions/{line['subscription_id']}/products", json=scheduled), 201)
    ran = advance(api, start + timedelta(days=30, hours=2))
    assert [r["kind"] for r in ran if r["type"] == "operation"] == ["PRODUCT_CHANGE", "BONUS_END"]
    computed = ok(api.get(f"/penalties/{account_id}", params={"reason": "unsubscribe"}))
    ok(api.put(f"/penalties/{computed[0]['computed_penalty_id']}"))
    ran = advance(api, madrid(month.next().start.year, month.next().start.month, 1, 1))
    assert [(r["type"], r["invoices"]) for r in ran] == [("billing_run", 1)]

    listed = ok(api.get("/ops/events", params={"limit": 100}))["events"]
    assert [(e["type"], next(iter(e["subject"]))) for e in listed] == EXPECTED
    # Each at the org's time of its change: the test clock's, as the advance ran them.
    created = {e["type"]: e["created"] for e in listed}
    change_at = madrid(change_day.year, change_day.month, change_day.day)
    assert created["subscription.product_changed"] == format_timestamp(change_at)
    bonus_end = madrid(month.start.year, month.start.month, 31, 10)
    assert created["subscription.bonus_ended"] == format_timestamp(bonus_end)
    closes = madrid(month.next().start.year, month.next().start.month, 1)
    assert created["invoice.issued"] == format_timestamp(closes)
    changed = listed[3]
    assert changed["data"]["object"]["product"]["id"] == MOBILE_ONLY_30GB
    assert changed["data"]["previous"] == {"product_id": MOBILE_ONLY_20GB}
    assert listed[1]["data"]["object"]["subscription_status"]["value"] == "ACTIVO"
    worker = make_worker()
    worker.run_until_idle()
    delivered = [
        verify(got.body, got.headers["mascustomers-signature"], endpoint["secret"])
        for got in receiver.received
    ]
    assert delivered == listed  # each once, in order, exactly as the events API shows it
    for event in delivered:
        schema_validator(api.client, event["type"]).validate(event)
