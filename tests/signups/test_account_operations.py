"""Added lines, bundle migration, SIM activation and the sell listing, through the HTTP API."""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import AccountBundle, Contract, SimCard, Subscription, SubscriptionProduct
from tests.bodies import convergent_signup, mobile_line, mobile_signup, sales_info
from tests.catalogue_fixture import (
    ADDITIONAL_5GB,
    BUNDLE_BIG,
    MAIN_30GB,
    MOBILE_ONLY_20GB,
    TV_FUTBOL,
    sim_iccid,
)
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue")


def convergent(api: ApiCaller, **kwargs: Any) -> dict[str, Any]:
    response = api.post("/signups", json=convergent_signup(**kwargs))
    assert response.status_code == 200, response.text
    return dict(response.json())


def add_lines_body(
    account_id: int, lines: list[dict[str, Any]], tv: dict[str, Any] | None = None
) -> dict[str, Any]:
    subscriptions: dict[str, Any] = {"mobile_lines": lines}
    if tv is not None:
        subscriptions["tv"] = tv
    return {
        "client": {"attributes": {"employment": {"company": "ignored", "income": 0}}},
        "sales_info": sales_info(),
        "account": {"account_id": account_id, "subscriptions": subscriptions},
    }


def test_add_additional_line(api: ApiCaller, session: Session) -> None:
    signup = convergent(api, with_tv=False)
    account_id = signup["account_info"]["account_id"]
    line = {"type": "additional", "product_id": ADDITIONAL_5GB, "msisdn": 600000050}
    response = api.post("/signups/subscriptions", json=add_lines_body(account_id, [line]))
    assert response.status_code == 200, response.text
    assert response.json() == {"risk_decision": "a"}
    added = session.scalars(
        select(Subscription).where(Subscription.identification_nr == "600000050")
    ).one()
    assert added.account_id == account_id
    assert added.mobile_line_type == "additional"
    contract = session.scalars(
        select(Contract).where(Contract.signature_config == "BUNDLE_ADDLINE")
    ).one()
    assert contract.account_id == account_id


def test_add_tv_once(api: ApiCaller) -> None:
    account_id = convergent(api, with_tv=False)["account_info"]["account_id"]
    body = add_lines_body(
        account_id, [], tv={"product_id": TV_FUTBOL, "registration_email": "tv@example.es"}
    )
    assert api.post("/signups/subscriptions", json=body).status_code == 200
    again = api.post("/signups/subscriptions", json=body)
    assert again.status_code == 400
    assert "already has TV" in again.json()["detailMsg"]


def test_add_line_refusals_change_nothing(api: ApiCaller, session: Session) -> None:
    mobile_only = api.post("/signups", json=mobile_signup()).json()
    convergent_account = convergent(api)["account_info"]["account_id"]
    cases = [
        (
            add_lines_body(
                mobile_only["account_info"]["account_id"], [{"product_id": ADDITIONAL_5GB}]
            ),
            400,
            "no convergent bundle",
        ),
        (
            add_lines_body(convergent_account, [{"product_id": MOBILE_ONLY_20GB}]),
            400,
            "additional_mobile",
        ),
        (
            add_lines_body(convergent_account, [{"product_id": ADDITIONAL_5GB}] * 4),
            400,
            "allows 4 additional",
        ),
        (add_lines_body(999_999, [{"product_id": ADDITIONAL_5GB}]), 404, "not found"),
    ]
    for body, status, text in cases:
        before = row_counts(session)
        response = api.post("/signups/subscriptions", json=body)
        assert response.status_code == status, response.text
        assert text in response.json()["detailMsg"]
        assert row_counts(session) == before


def test_migration_with_only_required_fields(api: ApiCaller, session: Session) -> None:
    signup = convergent(api, lines=2)
    account_id = signup["account_info"]["account_id"]
    body = {"account": {"account_id": account_id, "new_bundle_id": BUNDLE_BIG}}
    response = api.post("/signups/migration", json=body)
    assert response.status_code == 200, response.text
    bundles = session.scalars(
        select(AccountBundle).where(AccountBundle.account_id == account_id)
    ).all()
    assert [b.bundle_id for b in bundles if b.ended_at is None] == [BUNDLE_BIG]
    main_id = next(
        s["subscription_id"] for s in signup["account_info"]["subscriptions"] if s["type"] == 2
    )
    main = session.get(Subscription, main_id)
    assert main is not None
    assert main.product_id == MAIN_30GB  # the old main tariff is not in the new bundle
    history = session.scalars(
        select(SubscriptionProduct)
        .where(SubscriptionProduct.subscription_id == main_id)
        .order_by(SubscriptionProduct.id)
    ).all()
    assert [h.reason for h in history] == ["ALTA", "MIGRACION"]
    assert history[0].ended_at is not None


def test_migration_not_allowed_and_bad_destination(api: ApiCaller, session: Session) -> None:
    signup = convergent(api, lines=2)
    account_id = signup["account_info"]["account_id"]
    additional = next(
        s["subscription_id"]
        for s in signup["account_info"]["subscriptions"]
        if s["type"] == 2 and not s["subscription_terminal_id"]
    )
    before = row_counts(session)
    same = api.post(
        "/signups/migration", json={"account": {"account_id": account_id, "new_bundle_id": 500}}
    )
    assert same.status_code == 400
    wrong = {
        "account": {
            "account_id": account_id,
            "new_bundle_id": BUNDLE_BIG,
            "subscriptions": {
                "mobile_lines": [{"subscription_id": additional, "product_id": MOBILE_ONLY_20GB}]
            },
        }
    }
    response = api.post("/signups/migration", json=wrong)
    assert response.status_code == 400
    assert f"line {additional}" in response.json()["detailMsg"]
    assert row_counts(session) == before


def test_activate_shipped_sim(api: ApiCaller, session: Session) -> None:
    signup = api.post("/signups", json=mobile_signup(line=mobile_line(msisdn="600000031"))).json()
    bad = api.patch("/signups/activate-sim", json={"msisdn": "12345"})
    assert bad.status_code == 400
    unknown = api.patch("/signups/activate-sim", json={"msisdn": "699999999"})
    assert unknown.status_code == 404
    response = api.patch(
        "/signups/activate-sim", json={"msisdn": "600000031", "activation_type": 1}
    )
    assert response.status_code == 200, response.text
    subscription = session.get(
        Subscription, signup["account_info"]["subscriptions"][0]["subscription_id"]
    )
    assert subscription is not None
    session.refresh(subscription)
    assert subscription.status_id == 3
    sim = session.scalars(select(SimCard).where(SimCard.iccid == subscription.iccid)).one()
    assert sim.status_id == 3
    again = api.patch("/signups/activate-sim", json={"msisdn": "600000031"})
    assert again.status_code == 400
    assert again.json()["code"] == "0029"


def test_list_signups(api: ApiCaller) -> None:
    first = api.post("/signups", json=mobile_signup(line=mobile_line(iccid=sim_iccid(9)))).json()
    api.post("/signups", json=mobile_signup(scoring={"scoring_value": 10}))
    listing = api.get("/signups").json()["signups"]
    assert [s["risk_decision"] for s in listing] == ["x", "a"]
    by_order = api.get("/signups", params={"work_order_id": first["work_order_id"]}).json()[
        "signups"
    ]
    assert [s["sell_id"] for s in by_order] == [first["sell_id"]]
    assert (
        api.get(
            "/signups", params={"start_date": "2026-02-01", "end_date": "2026-01-01"}
        ).status_code
        == 400
    )
