"""Each state change emits the documented event, once, whose ``data.object`` is what the
matching GET answers right after the change (the same read function, the same transaction),
and every event read is valid against its type's schema in the served OpenAPI document.

``EMITS`` says which types each test emits; the ``stream`` fixture holds each test to it, and
a test fails if a type has no schema or no test here emitting it.
"""

import inspect
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.events.retries import EndpointStatus
from mascustomers.kit.clock import FrozenClock
from mascustomers.models import Invoice, WebhookEndpoint
from mascustomers.outbox.types import EventType
from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import BONUS_3GB, MOBILE_ONLY_20GB, MOBILE_ONLY_30GB, sim_iccid
from tests.events.conftest import MakeWorker, add_endpoint
from tests.events.receiver import Reply, receiving
from tests.events.schemas import schema_validator
from tests.factories import ApiCaller
from tests.penalties.support import OrgTime, frozen_org_time
from tests.scheduler.test_clock_api import advance, at, month_after_next

pytestmark = pytest.mark.usefixtures("catalogue")
LINE_GET = {"include": "origin,selldate"}
T = EventType
EMITS: dict[str, set[EventType]] = {
    "test_a_shipped_sim_activated": {T.SIGNUP_ACCEPTED, T.SUBSCRIPTION_ACTIVATED},
    "test_blocks_services_bonuses_product_and_sim": {
        T.SIGNUP_ACCEPTED,
        T.SUBSCRIPTION_SERVICE_CHANGED,
        T.SUBSCRIPTION_BLOCKED,
        T.SUBSCRIPTION_UNBLOCKED,
        T.SUBSCRIPTION_BONUS_STARTED,
        T.SUBSCRIPTION_BONUS_ENDED,
        T.SUBSCRIPTION_PRODUCT_CHANGED,
        T.SUBSCRIPTION_SIM_REPLACED,
    },
    "test_a_tariff_change_scheduled": {T.SIGNUP_ACCEPTED, T.SUBSCRIPTION_PRODUCT_CHANGE_SCHEDULED},
    "test_risk_holds_decided": {
        T.SIGNUP_HELD,
        T.SIGNUP_REJECTED,
        T.SUBSCRIPTION_STATUS_CHANGED,
        T.SUBSCRIPTION_CANCELLED,
        T.WORK_ORDER_STATUS_CHANGED,
        T.RISK_HOLD_DECIDED,
    },
    "test_work_order_completed_installs_the_fixed_lines": {
        T.SIGNUP_ACCEPTED,
        T.SUBSCRIPTION_ACTIVATED,
        T.WORK_ORDER_STATUS_CHANGED,
    },
    "test_terminated_with_penalties_then_invoice_paid": {
        T.SIGNUP_ACCEPTED,
        T.SUBSCRIPTION_ACTIVATED,
        T.PENALTY_CONFIRMED,
        T.SUBSCRIPTION_TERMINATED,
        T.INVOICE_PAID,
    },
    "test_penalty_deleted": {T.SIGNUP_ACCEPTED, T.PENALTY_CONFIRMED, T.PENALTY_DELETED},
    "test_a_port_in_completed_then_its_first_invoice_issued": {
        T.SIGNUP_ACCEPTED,
        T.SUBSCRIPTION_ACTIVATED,
        T.PORTABILITY_COMPLETED,
        T.INVOICE_ISSUED,
    },
    "test_an_endpoint_failing_for_five_days_disabled": {
        T.SIGNUP_ACCEPTED,
        T.WEBHOOK_ENDPOINT_DISABLED,
    },
}


@pytest.fixture
def clock(org_slug: str) -> Any:
    yield from frozen_org_time(org_slug)


class Stream:
    """The org's events, read on from where the test last looked; each checked against its
    type's schema in the served OpenAPI document."""

    def __init__(self, api: ApiCaller) -> None:
        self.api = api
        self.cursor: str | None = None
        self.validators: dict[str, Any] = {}
        self.seen: set[str] = set()

    def new(self) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": 500}
        if self.cursor is not None:
            params["cursor"] = self.cursor
        page = self.api.get("/ops/events", params=params).json()
        self.cursor = page["next_cursor"]
        for event in page["events"]:
            self.check(event)
        return list(page["events"])

    def check(self, event: dict[str, Any]) -> None:
        type_name = event["type"]
        if type_name not in self.validators:
            self.validators[type_name] = schema_validator(self.api.client, type_name)
        self.validators[type_name].validate(event)
        self.seen.add(type_name)

    def types(self) -> list[str]:
        return [event["type"] for event in self.new()]


@pytest.fixture
def stream(api: ApiCaller, request: pytest.FixtureRequest) -> Iterator[Stream]:
    """The test's stream; after it, what it did not read is checked too, and the types it
    emitted must be the ones ``EMITS`` gives it."""
    failed = request.session.testsfailed
    found = Stream(api)
    yield found
    if request.session.testsfailed > failed:
        return  # the test's own failure says what went wrong
    found.new()
    name = request.function.__name__
    assert found.seen == set(EMITS[name]), f"{name} emitted other types than EMITS says"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def signup(api: ApiCaller, status: int = 200, **kwargs: Any) -> dict[str, Any]:
    return dict(ok(api.post("/signups", json=mobile_signup(**kwargs)), status))


def line_of(signed: dict[str, Any]) -> dict[str, Any]:
    return dict(signed["account_info"]["subscriptions"][0])


def test_a_shipped_sim_activated(api: ApiCaller, clock: OrgTime, stream: Stream) -> None:
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


def test_blocks_services_bonuses_product_and_sim(
    api: ApiCaller, clock: OrgTime, stream: Stream
) -> None:
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


def test_risk_holds_decided(api: ApiCaller, clock: OrgTime, stream: Stream) -> None:
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
    refused = signup(api, 202, person=owner(33333333), scoring={"scoring_value": 100})
    [rejected] = stream.new()
    assert rejected["type"] == "signup.rejected"
    sells = ok(api.get("/signups"))["signups"]
    assert rejected["data"]["object"] == next(
        s for s in sells if s["sell_id"] == refused["sell_id"]
    )


def test_a_tariff_change_scheduled(api: ApiCaller, clock: OrgTime, stream: Stream) -> None:
    line = line_of(signup(api, line=mobile_line(MOBILE_ONLY_20GB, iccid=sim_iccid(3))))
    url = f"/subscriptions/{line['subscription_id']}/products"
    assert stream.types() == ["signup.accepted"]
    later = {"productId": MOBILE_ONLY_30GB, "scheduled_date": "2026-01-20"}
    ok(api.patch(url, json=later), 201)
    [scheduled] = stream.new()
    assert scheduled["type"] == "subscription.product_change_scheduled"
    assert scheduled["data"]["object"] == ok(api.get(url))


def test_work_order_completed_installs_the_fixed_lines(
    api: ApiCaller, clock: OrgTime, stream: Stream
) -> None:
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
    api: ApiCaller, session: Session, clock: OrgTime, stream: Stream
) -> None:
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


def test_penalty_deleted(api: ApiCaller, clock: OrgTime, stream: Stream) -> None:
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


def test_a_port_in_completed_then_its_first_invoice_issued(api: ApiCaller, stream: Stream) -> None:
    month = month_after_next()
    advance(api, at(month.start, 10))
    window = month.start + timedelta(days=5)
    portability = {
        "scheduled_date": window.isoformat(),
        "operator_id": "MOVISTAR",
        "donor_line_type": "C",
    }
    signed = signup(api, line=mobile_line(msisdn="655123456", portability_info=portability))
    line = line_of(signed)
    assert stream.types() == ["signup.accepted"]
    advance(api, at(window, 12))
    activated, completed = stream.new()
    assert (activated["type"], completed["type"]) == (
        "subscription.activated",
        "portability.completed",
    )
    detail = ok(api.get(f"/subscriptions/{line['subscription_id']}", params=LINE_GET))
    assert completed["data"]["object"] == detail
    advance(api, at(month.next().start, 1))
    [issued] = stream.new()
    assert issued["type"] == "invoice.issued"
    listed = ok(api.get(f"/accounts/{signed['account_info']['account_id']}/invoices"))
    assert issued["data"]["object"] == listed["invoices"][0]


def test_an_endpoint_failing_for_five_days_disabled(
    api: ApiCaller, session: Session, clock: OrgTime, stream: Stream, make_worker: MakeWorker
) -> None:
    with receiving(lambda path, body: Reply(500, b"boom")) as down:
        endpoint = add_endpoint(api, down.url())
        signup(api)
        assert stream.types() == ["signup.accepted"]
        row = session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        row.status = EndpointStatus.FAILING
        row.failing_since = clock.now - timedelta(days=6)
        session.commit()
        make_worker(clock=FrozenClock(clock.now).now).run_until_idle()
    [disabled] = stream.new()
    assert disabled["type"] == "webhook_endpoint.disabled"
    assert disabled["data"]["object"] == ok(api.get(f"/ops/webhooks/{endpoint['id']}"))
    assert disabled["data"]["object"]["status"] == "DISABLED"


def test_every_type_has_its_schema_and_a_test_here_emitting_it(api: ApiCaller) -> None:
    document = ok(api.client.get("/v2/openapi.json"))
    assert list(document["webhooks"]) == [t.value for t in EventType]
    for type_name, hook in document["webhooks"].items():
        ref = hook["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = document["components"]["schemas"][ref.removeprefix("#/components/schemas/")]
        assert schema["properties"]["type"]["const"] == type_name  # its own, not another's
        schema_validator(api.client, type_name)
    here = {name for name, f in globals().items() if inspect.isfunction(f)}
    assert set(EMITS) <= here  # each entry a test of this file, held to it by ``stream``
    assert set().union(*EMITS.values()) == set(EventType)
