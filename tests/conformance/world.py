"""Data made through the API for the conformance suite: what the reference's placeholders name."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import PREPAID_5GB, PROMO_ACCOUNT, sim_iccid
from tests.factories import ApiCaller


@dataclass
class World:
    account_id: int
    customer_id: int
    user_id: int
    document: str
    main_line_id: int
    main_msisdn: str
    additional_line_id: int
    fixed_line_id: int
    tv_line_id: int
    terminal_id: int
    prepaid_line_id: int
    prepaid_msisdn: str
    shipped_msisdn: str
    work_order_id: str
    tv_email: str
    mobile_only_line_id: int
    extras: dict[str, Any] = field(default_factory=dict)


def _post_signup(api: ApiCaller, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/signups", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def build_world(api: ApiCaller) -> World:
    """A convergent customer with a financed device, a prepaid line and a shipped SIM."""
    person = owner(23456789)
    body = convergent_signup(
        person=person,
        lines=2,
        devices=True,
        scoring={"scoring_value": 900, "credit_limit_available": "2000"},
    )
    body["products"]["bundle"]["promotions"].append({"id": PROMO_ACCOUNT})
    signup = _post_signup(api, body)
    subs = signup["account_info"]["subscriptions"]
    main = next(s for s in subs if s["subscription_terminal_id"])
    additional = next(s for s in subs if s["type"] == 2 and not s["subscription_terminal_id"])
    prepaid = _post_signup(
        api,
        mobile_signup(
            person=owner(34567890),
            billing_type_id=2,
            line=mobile_line(PREPAID_5GB, iccid=sim_iccid(40)),
        ),
    )["account_info"]["subscriptions"][0]
    shipped = _post_signup(api, mobile_signup(person=owner(45678901)))["account_info"][
        "subscriptions"
    ][0]
    mobile_only = _post_signup(
        api, mobile_signup(person=owner(56781234), line=mobile_line(iccid=sim_iccid(44)))
    )["account_info"]["subscriptions"][0]
    # Lists the reference shows with items: a loss block and a prepaid recharge.
    main_id = main["subscription_id"]
    api.patch(
        f"/subscriptions/{main_id}/blocks/2", json={"active": True, "reason": "Lo ha perdido"}
    )
    # The owner moved to Las Palmas (IGIC): the tax history shows the earlier period.
    api.post(
        f"/v2/orgs/{api.org}/ops/accounts/{signup['account_info']['account_id']}/tax-province",
        json={"state_id": 35},
    )
    # A month closes on the org's test clock: the postpaid accounts get their invoice.
    clock = api.get(f"/v2/orgs/{api.org}/ops/clock").json()
    now = datetime.fromisoformat(str(clock["now"]).replace("Z", "+00:00"))
    first_of_next = (now.replace(day=1) + timedelta(days=32)).replace(
        day=1, hour=1, minute=0, second=0
    )
    api.post(
        f"/v2/orgs/{api.org}/ops/clock",
        json={"advance_to": first_of_next.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    # After the advance, so it falls in the current month that recharge/detail shows.
    api.post(
        f"/v2/orgs/{api.org}/ops/subscriptions/{prepaid['subscription_id']}/recharges",
        json={"amount": "10.00", "origin_id": 1, "movement_type_id": 1},
    )
    return World(
        account_id=signup["account_info"]["account_id"],
        customer_id=signup["customer_id"],
        user_id=main["user_info_id"],
        document=person["document_value"],
        main_line_id=main["subscription_id"],
        main_msisdn=main["msisdn"],
        additional_line_id=additional["subscription_id"],
        fixed_line_id=next(s["subscription_id"] for s in subs if s["type"] == 4),
        tv_line_id=next(s["subscription_id"] for s in subs if s["type"] == 6),
        terminal_id=main["subscription_terminal_id"],
        prepaid_line_id=prepaid["subscription_id"],
        prepaid_msisdn=prepaid["msisdn"],
        shipped_msisdn=shipped["msisdn"],
        work_order_id=signup["work_order_id"],
        tv_email="lucia.tv@example.es",
        mobile_only_line_id=mobile_only["subscription_id"],
    )
