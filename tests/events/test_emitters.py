"""Each state change emits the documented event, once, whose ``data.object`` is what the
matching GET answers right after the change (the same read function, the same transaction).
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.models import Invoice
from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import BONUS_3GB, MOBILE_ONLY_30GB, sim_iccid
from tests.factories import ApiCaller
from tests.penalties.support import OrgTime, frozen_org_time

pytestmark = pytest.mark.usefixtures("catalogue")
LINE_GET = {"include": "origin,selldate"}


@pytest.fixture
def clock(org_slug: str) -> Any:
    yield from frozen_org_time(org_slug)


class Stream:
    """The org's events, read on from where the test last looked."""

    def __init__(self, api: ApiCaller) -> None:
        self.api = api
        self.cursor: str | None = None

    def new(self) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": 500}
        if self.cursor is not None:
            params["cursor"] = self.cursor
        page = self.api.get("/ops/events", params=params).json()
        self.cursor = page["next_cursor"]
        return list(page["events"])

    def types(self) -> list[str]:
        return [event["type"] for event in self.new()]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def signup(api: ApiCaller, status: int = 200, **kwargs: Any) -> dict[str, Any]:
    return dict(ok(api.post("/signups", json=mobile_signup(**kwargs)), status))


def line_of(signed: dict[str, Any]) -> dict[str, Any]:
    return dict(signed["account_info"]["subscriptions"][0])


def test_a_shipped_sim_activated(api: ApiCaller, clock: OrgTime) -> None:
    stream = Stream(api)
    signed = signup(api)
    [accepted] = stream.new()
    assert accepted["type"] == "signup.accepted"
    assert accepted["data"]["object"] == ok(api.get("/signups"))["signups"][0]
    line = line_of(signed)
    ok(api.patch("/signups/activate-sim", json={"msisdn": str(line["msisdn"])}))
    [activated] = stream.new()
    assert activated["type"] == "subscription.activated"
    assert activated["created"] == "2026-01-15T10:00:00Z"  # the org's (test) time
    detail = ok(api.get(f"/subscriptions/{line['subscription_id']}", params=LINE_GET))
    assert activated["data"]["object"] == detail
    assert activated["data"]["previous"] == {
        "subscription_status": {"id": 2, "value": "PENDIENTE ALTA"}
    }
    assert activated["subject"] == {
        "subscription_id": line["subscription_id"],
        "account_id": signed["account_info"]["account_id"],
    }


def test_blocks_services_bonuses_product_and_sim(api: ApiCaller, clock: OrgTime) -> None:
    stream = Stream(api)
    line = line_of(signup(api, line=mobile_line(iccid=sim_iccid(2))))  # SIM in the shop: live
    url = f"/subscriptions/{line['subscription_id']}"
    assert stream.types() == ["signup.accepted"]
    ok(api.patch(f"{url}/services/3", json={"active": False}), 201)
    [service] = stream.new()
    assert service["type"] == "subscription.service_changed"
    listed = ok(api.get(f"{url}/services"))["items"]
    assert service["data"]["object"] == next(i for i in listed if i["id"] == 3)
    assert service["data"]["previous"] == {"active": True}
    ok(api.patch(f"{url}/services/3", json={"active": False}), 201)  # as it is: no change
    assert stream.types() == []
    ok(api.patch(f"{url}/blocks/1", json={"active": True, "reason": "robo"}), 201)
    ok(api.patch(f"{url}/blocks/2", json={"active": True, "reason": "perdida"}), 201)
    assert stream.types() == ["subscription.blocked"]  # the second changes no status
    ok(api.patch(f"{url}/blocks/1", json={"active": False}), 201)
    ok(api.patch(f"{url}/blocks/2", json={"active": False}), 201)
    assert stream.types() == ["subscription.unblocked"]
    ok(api.put(f"{url}/bonuses", json={"bonusId": BONUS_3GB}), 201)
    [started] = stream.new()
    assert started["type"] == "subscription.bonus_started"
    assert started["data"]["object"] == ok(api.get(f"{url}/bonuses"))["items"][0]
    ok(api.delete(f"{url}/bonuses/{BONUS_3GB}"), 202)
    [ended] = stream.new()
    assert ended["type"] == "subscription.bonus_ended"
    everything = ok(api.get(f"{url}/bonuses", params={"filter": "inactive"}))["items"]
    assert ended["data"]["object"] == everything[0]
    ok(api.patch(f"{url}/products", json={"productId": MOBILE_ONLY_30GB}), 201)
    [changed] = stream.new()
    assert changed["type"] == "subscription.product_changed"
    assert changed["data"]["object"] == ok(api.get(f"{url}/products"))
    replaced = {"dealer_id": "D1", "shop_id": "S1", "logistic": False, "new_icc": sim_iccid(9)}
    ok(api.patch(f"{url}/sim-replacement", json=replaced), 201)
    [sim] = stream.new()
    assert sim["type"] == "subscription.sim_replaced"
    assert sim["data"]["object"]["iccid"] == sim_iccid(9)
    assert sim["data"]["previous"] == {"iccid": sim_iccid(2)}


def test_risk_holds_decided(api: ApiCaller, clock: OrgTime) -> None:
    stream = Stream(api)
    held = signup(api, 202, person=owner(11111111), scoring={"scoring_value": 300})
    other = signup(api, 202, person=owner(22222222), scoring={"scoring_value": 300})
    assert stream.types() == ["signup.held", "signup.held"]
    approved = ok(api.post(f"/ops/risk-holds/{held['sell_id']}/approve"))
    events = stream.new()
    # The line (shipped SIM) waits for activation; the order leaves its hold.
    assert [e["type"] for e in events] == [
        "subscription.status_changed",
        "work_order.status_changed",
        "risk_hold.decided",
    ]
    assert events[0]["data"]["object"]["subscription_status"]["value"] == "PENDIENTE ALTA"
    order = ok(api.get(f"/ops/work-orders/{held['work_order_id']}"))
    assert events[1]["data"]["object"] == order
    assert events[1]["data"]["previous"]["status"]["value"] == "PENDIENTE RIESGO"
    assert events[2]["data"]["object"] == approved
    ok(api.post(f"/ops/risk-holds/{other['sell_id']}/reject"))
    assert stream.types() == [
        "subscription.cancelled",
        "work_order.status_changed",
        "risk_hold.decided",
    ]


def test_work_order_completed_installs_the_fixed_lines(api: ApiCaller, clock: OrgTime) -> None:
    stream = Stream(api)
    signed = ok(api.post("/signups", json=convergent_signup(lines=1, with_tv=False)))
    assert stream.types() == ["signup.accepted"]
    ok(api.post(f"/ops/work-orders/{signed['work_order_id']}/complete"))
    types = stream.types()
    # Each fixed line installed (first time in service), then the order completed.
    assert types[-1] == "work_order.status_changed"
    assert set(types[:-1]) == {"subscription.activated"}
    fixed = [s for s in signed["account_info"]["subscriptions"] if s["type"] in (3, 4, 5)]
    assert len(types) - 1 == len(fixed) == 2


def test_terminated_with_penalties_then_invoice_paid(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    stream = Stream(api)
    signed = ok(
        api.post(
            "/signups",
            json=convergent_signup(
                lines=1,
                with_tv=False,
                devices=True,
                scoring={"scoring_value": 800, "credit_limit_available": "2000"},
            ),
        )
    )
    stream.new()
    main = next(s for s in signed["account_info"]["subscriptions"] if s["type"] == 2)
    ok(api.patch("/signups/activate-sim", json={"msisdn": str(main["msisdn"])}))
    stream.new()
    clock.on(date(2026, 3, 1))
    body = {"motive_id": 1, "with_penalties": True}
    ok(api.post(f"/ops/subscriptions/{main['subscription_id']}/termination", json=body))
    assert stream.types() == ["penalty.confirmed", "subscription.terminated"]
    account_id = signed["account_info"]["account_id"]
    invoice = Invoice(
        org_id=_org_id(api, session),
        account_id=account_id,
        number="F2026-000001",
        cycle="2026-02",
        cycle_start=date(2026, 2, 1),
        cycle_end=date(2026, 2, 28),
        issued_at=datetime(2026, 3, 1, 6, tzinfo=UTC),
        value=Decimal("10.00"),
        value_total=Decimal("12.10"),
        status_id=1,
        delivery_mode="email",
        path="/invoices/F2026-000001.pdf",
    )
    session.add(invoice)
    session.commit()
    ok(api.post(f"/ops/invoices/{invoice.id}/payment"))
    [paid] = stream.new()
    assert paid["type"] == "invoice.paid"
    listed = ok(api.get(f"/accounts/{account_id}/invoices"))["invoices"]
    assert paid["data"]["object"] == listed[0]
    assert paid["subject"] == {
        "invoice_id": invoice.id,
        "account_id": account_id,
        "number": "F2026-000001",
    }


def _org_id(api: ApiCaller, session: Session) -> int:
    from mascustomers.auth import repository

    org = repository.get_org_by_slug(session, api.org)
    assert org is not None
    return org.id


def test_penalty_deleted(api: ApiCaller, clock: OrgTime) -> None:
    stream = Stream(api)
    signed = ok(
        api.post(
            "/signups",
            json=convergent_signup(
                lines=1,
                with_tv=False,
                devices=True,
                scoring={"scoring_value": 800, "credit_limit_available": "2000"},
            ),
        )
    )
    stream.new()
    account_id = signed["account_info"]["account_id"]
    [computed] = ok(api.get(f"/penalties/{account_id}", params={"reason": "unsubscribe"}))
    assert stream.types() == []  # computing is not confirming
    ok(api.put(f"/penalties/{computed['computed_penalty_id']}"))
    [confirmed] = stream.new()
    assert confirmed["type"] == "penalty.confirmed"
    assert confirmed["data"]["object"]["computed_penalty_id"] == computed["computed_penalty_id"]
    assert confirmed["data"]["object"]["penalties"] == computed["penalties"]
    ok(api.delete(f"/penalties/{computed['computed_penalty_id']}"))
    assert stream.types() == ["penalty.deleted"]
