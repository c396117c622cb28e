"""GET penalties through the HTTP API: amounts by hand, the reference's shape, each reason."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import (
    Commitment,
    ComputedPenalty,
    OrgCatalogue,
    PenaltyLine,
    Subscription,
)
from mascustomers.routing.operations import operations_by_key
from tests.bodies import mobile_line, mobile_signup
from tests.catalogue_fixture import PROMO_BUNDLE, PROMO_LINE_50, sim_iccid
from tests.factories import ApiCaller, make_key
from tests.penalties.support import (
    OrgTime,
    convergent_with_device,
    line_ids,
    main_line,
    post_signup,
)
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

ACCOUNT_PATH = "/v2/orgs/{orgId}/penalties/{accountId}"
# Signed up on 2026-01-15; asked on 2026-07-15, 184 days before 2027-01-15.
HALF_YEAR = date(2026, 7, 15)
PROMO_LINE_DUE = 75.62  # 150 × 184 / 365 = 75.6164…
BUNDLE_DUE = 50.41  # 100 × 184 / 365 = 50.4109…
TERMINAL_DUE = 112.81  # 150 × (184 + 365) / 730 = 112.8082… (2026-01-15 → 2028-01-15)


def penalties(api: ApiCaller, path: str, **params: str) -> dict[str, Any]:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, list)
    assert len(body) == 1
    return dict(body[0])


def by_type(answer: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for item in answer["penalties"]:
        found.setdefault(item["type"], []).append(item)
    return found


def test_unsubscribe_account_charges_each_open_commitment(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    signup = convergent_with_device(api)
    account_id = signup["account_info"]["account_id"]
    main = main_line(signup)
    clock.on(HALF_YEAR)
    answer = penalties(api, f"/penalties/{account_id}", reason="unsubscribe")

    reference = operations_by_key()[("GET", ACCOUNT_PATH)].response_examples["200"][0]
    assert set(answer) == set(reference)
    assert answer["mobile_operator_id"] == 1
    for item in answer["penalties"]:
        assert set(item) == set(reference["penalties"][0])
    promo, terminal, bundle = answer["penalties"]
    uuid = session.get(Subscription, main["subscription_id"]).uuid  # type: ignore[union-attr]
    assert promo == {
        "id": promo["id"],
        "value": PROMO_LINE_DUE,
        "description": promo["description"],
        "subscription_id": main["subscription_id"],
        "subscription_uuid": uuid,
        "commitment_uuid": promo["commitment_uuid"],
        "subscrition_promotion_id": promo["subscrition_promotion_id"],
        "promotion_id": PROMO_LINE_50,
        "start_date": "2026-01-15",
        "end_date": "2027-01-15",
        "mandatory": False,
        "type": "PROMOTIONPERMANENCE",
        "subscription_terminal_id": None,
    }
    assert promo["subscrition_promotion_id"] is not None
    assert terminal["type"] == "TERMINALPERMANENCE"
    assert terminal["value"] == TERMINAL_DUE
    assert terminal["mandatory"] is True
    assert terminal["subscription_terminal_id"] == main["subscription_terminal_id"]
    assert (terminal["start_date"], terminal["end_date"]) == ("2026-01-15", "2028-01-15")
    assert bundle["type"] == "PROMOTIONPERMANENCE"
    assert bundle["promotion_id"] == PROMO_BUNDLE
    assert bundle["value"] == BUNDLE_DUE
    assert bundle["subscription_id"] is None

    stored = session.get(ComputedPenalty, answer["computed_penalty_id"])
    assert stored is not None
    assert (stored.status, stored.reason, stored.account_id) == (
        "COMPUTED",
        "unsubscribe",
        account_id,
    )
    assert stored.subscription_id is None
    lines = session.scalars(
        select(PenaltyLine).where(PenaltyLine.computed_penalty_id == stored.id)
    ).all()
    assert [line.value for line in lines] == [
        Decimal("75.62"),
        Decimal("112.81"),
        Decimal("50.41"),
    ]
    assert not any(line.confirmed for line in lines)
    commitments = session.scalars(
        select(Commitment.uuid).where(Commitment.account_id == account_id).order_by(Commitment.id)
    ).all()
    assert [line.commitment_uuid for line in lines] == list(commitments)


def test_on_the_first_day_the_whole_penalty_is_owed(api: ApiCaller) -> None:
    account_id = convergent_with_device(api)["account_info"]["account_id"]
    answer = penalties(api, f"/penalties/{account_id}", reason="unsubscribe")
    assert [p["value"] for p in answer["penalties"]] == [150.0, 150.0, 100.0]


def computations(session: Session, account_id: int) -> list[tuple[int, str, int | None]]:
    """(id, status, superseded by) of the account's stored computations, oldest first."""
    session.expire_all()
    return [
        (p.id, p.status, p.superseded_by_id)
        for p in session.scalars(
            select(ComputedPenalty)
            .where(ComputedPenalty.account_id == account_id)
            .order_by(ComputedPenalty.id)
        )
    ]


def test_polling_keeps_one_confirmable_computation(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    signup = convergent_with_device(api)
    account_id = signup["account_info"]["account_id"]
    main = main_line(signup)["subscription_id"]
    clock.on(HALF_YEAR)
    paths = [
        (f"/penalties/{account_id}", "unsubscribe"),
        (f"/penalties/{account_id}/subscriptions/{main}", "mobile"),
        (f"/penalties/{account_id}/subscriptions/{main}", "device"),
    ]
    first = [penalties(api, path, reason=reason) for path, reason in paths]
    lines_before = row_counts(session)["penalty_line"]
    for _ in range(5):
        # The same answer: the same computation, with the same penalty ids.
        assert [penalties(api, path, reason=reason) for path, reason in paths] == first
    assert row_counts(session)["penalty_line"] == lines_before
    ids = [answer["computed_penalty_id"] for answer in first]
    assert computations(session, account_id) == [(i, "COMPUTED", None) for i in ids]

    # A day later the pro-rata amounts change: new computations supersede the earlier ones.
    clock.on(date(2026, 7, 16))
    for _ in range(3):
        later = [penalties(api, path, reason=reason) for path, reason in paths]
    newer = [answer["computed_penalty_id"] for answer in later]
    assert computations(session, account_id) == [
        *[(old, "SUPERSEDED", new) for old, new in zip(ids, newer, strict=True)],
        *[(new, "COMPUTED", None) for new in newer],
    ]


def test_a_superseded_computation_cannot_be_confirmed(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    account_id = convergent_with_device(api)["account_info"]["account_id"]
    clock.on(HALF_YEAR)
    old = penalties(api, f"/penalties/{account_id}", reason="unsubscribe")
    clock.on(date(2026, 7, 16))
    new = penalties(api, f"/penalties/{account_id}", reason="unsubscribe")
    before = row_counts(session)

    response = api.put(f"/penalties/{old['computed_penalty_id']}")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "0096"
    assert error["message"] == "Computed penalty superseded by a newer one"
    assert f"superseded by computed penalty {new['computed_penalty_id']}" in error["detailMsg"]
    assert row_counts(session) == before
    # History kept: the superseded computation and its lines stay as they were.
    stored = session.get(ComputedPenalty, old["computed_penalty_id"])
    assert stored is not None
    assert (stored.status, stored.superseded_by_id, stored.confirmed_at) == (
        "SUPERSEDED",
        new["computed_penalty_id"],
        None,
    )
    kept = session.scalars(
        select(PenaltyLine.id).where(PenaltyLine.computed_penalty_id == stored.id)
    ).all()
    assert sorted(kept) == sorted(p["id"] for p in old["penalties"])
    # The newest one is the one to confirm.
    assert api.put(f"/penalties/{new['computed_penalty_id']}").status_code == 200


def test_ended_commitments_are_not_charged(api: ApiCaller, clock: OrgTime) -> None:
    account_id = convergent_with_device(api)["account_info"]["account_id"]
    clock.on(date(2027, 1, 15))  # the 12-month promotions end today; the iPhone runs to 2028
    answer = penalties(api, f"/penalties/{account_id}", reason="unsubscribe")
    [terminal] = answer["penalties"]
    assert terminal["type"] == "TERMINALPERMANENCE"
    # 365 of 730 days left: exactly half of 150.
    assert terminal["value"] == 75.0
    clock.on(date(2028, 1, 15))
    assert penalties(api, f"/penalties/{account_id}", reason="unsubscribe")["penalties"] == []


def test_leap_day_in_the_term(api: ApiCaller, clock: OrgTime) -> None:
    clock.on(date(2027, 3, 1))
    signup = convergent_with_device(api)
    clock.on(date(2028, 3, 1))
    main = main_line(signup)
    answer = penalties(
        api,
        f"/penalties/{signup['account_info']['account_id']}/subscriptions/{main['subscription_id']}",
        reason="device",
    )
    [terminal] = answer["penalties"]
    # 2027-03-01 → 2029-03-01 holds 29 Feb 2028: 731 days, 365 left: 150 × 365 / 731 = 74.897…
    assert terminal["value"] == 74.9
    assert terminal["end_date"] == "2029-03-01"


def test_line_reasons(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    signup = convergent_with_device(api)
    account_id = signup["account_info"]["account_id"]
    main = main_line(signup)["subscription_id"]
    [ftth] = line_ids(signup, 4)
    clock.on(HALF_YEAR)
    base = f"/penalties/{account_id}/subscriptions"

    mobile = by_type(penalties(api, f"{base}/{main}", reason="mobile"))
    assert [p["value"] for p in mobile["PROMOTIONPERMANENCE"]] == [PROMO_LINE_DUE]
    assert [p["value"] for p in mobile["TERMINALPERMANENCE"]] == [TERMINAL_DUE]

    device = penalties(api, f"{base}/{main}", reason="device")
    assert [p["type"] for p in device["penalties"]] == ["TERMINALPERMANENCE"]

    broadband = penalties(api, f"{base}/{ftth}", reason="broadband_subscription")
    assert [(p["promotion_id"], p["value"]) for p in broadband["penalties"]] == [
        (PROMO_BUNDLE, BUNDLE_DUE)
    ]
    stored = session.get(ComputedPenalty, broadband["computed_penalty_id"])
    assert stored is not None
    assert (stored.subscription_id, stored.reason) == (ftth, "broadband_subscription")

    uuid = session.get(Subscription, main).uuid  # type: ignore[union-attr]
    by_uuid = penalties(api, f"{base}/uuid/{uuid}")
    assert [p["value"] for p in by_uuid["penalties"]] == [PROMO_LINE_DUE, TERMINAL_DUE]
    assert session.get(ComputedPenalty, by_uuid["computed_penalty_id"]).reason == "mobile"  # type: ignore[union-attr]
    by_uuid_device = penalties(api, f"{base}/uuid/{uuid}", reason="device")
    assert len(by_uuid_device["penalties"]) == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "0001"),
        ({"reason": "other"}, "0001"),
        ({"reason": "UNSUBSCRIBE"}, "0001"),
    ],
)
def test_account_reason_missing_or_unknown(
    api: ApiCaller, session: Session, params: dict[str, str], code: str
) -> None:
    account_id = post_signup(api, mobile_signup())["account_info"]["account_id"]
    before = row_counts(session)
    response = api.get(f"/penalties/{account_id}", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert "reason" in response.json()["detailMsg"]
    assert row_counts(session) == before


def test_line_refusals_store_nothing(api: ApiCaller, session: Session) -> None:
    signup = convergent_with_device(api)
    account_id = signup["account_info"]["account_id"]
    main = main_line(signup)["subscription_id"]
    [ftth] = line_ids(signup, 4)
    other = post_signup(api, mobile_signup())["account_info"]
    other_line = other["subscriptions"][0]["subscription_id"]
    base = f"/penalties/{account_id}/subscriptions"
    cases = [
        (f"{base}/{main}", {}, 400, "0001"),
        (f"{base}/{main}", {"reason": "unsubscribe"}, 400, "0001"),
        (f"{base}/{main}", {"reason": "broadband_subscription"}, 400, "0086"),
        (f"{base}/{ftth}", {"reason": "mobile"}, 400, "0086"),
        (f"{base}/{other_line}", {"reason": "mobile"}, 404, "0005"),
        (f"{base}/999999", {"reason": "mobile"}, 404, "0005"),
        (f"{base}/uuid/00000000-0000-0000-0000-000000000000", {}, 404, "0005"),
        (f"{base}/uuid/{main}", {"reason": "sideways"}, 400, "0001"),
        ("/penalties/999999", {"reason": "unsubscribe"}, 404, "0005"),
        ("/penalties/abc", {"reason": "unsubscribe"}, 400, "0001"),
    ]
    for path, params, status, code in cases:
        before = row_counts(session)
        response = api.get(path, params=params)
        assert response.status_code == status, (path, params, response.text)
        assert response.json()["code"] == code, (path, params)
        assert row_counts(session) == before


def test_another_orgs_account_does_not_exist(api: ApiCaller, session: Session) -> None:
    account_id = convergent_with_device(api)["account_info"]["account_id"]
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    response = other.get(f"/penalties/{account_id}", params={"reason": "unsubscribe"})
    assert response.status_code == 404


def test_cancel_charges_the_admin_cost_of_each_open_order(api: ApiCaller, session: Session) -> None:
    shipped = post_signup(api, mobile_signup())  # SIM shipped: PENDIENTE ALTA, order open
    account_id = shipped["account_info"]["account_id"]
    answer = penalties(api, f"/penalties/{account_id}", reason="cancel")
    [cost] = answer["penalties"]
    assert cost["type"] == "ADMCOSTCANCELCOST"
    assert cost["value"] == 30.0  # the documented default
    assert cost["mandatory"] is True
    assert shipped["work_order_id"] in cost["description"]
    assert cost["subscription_id"] is None
    stored = session.get(ComputedPenalty, answer["computed_penalty_id"])
    assert stored is not None
    assert (stored.reason, stored.status) == ("cancel", "COMPUTED")


def test_cancel_cost_comes_from_the_catalogue(api: ApiCaller, session: Session) -> None:
    catalogue = session.scalars(select(OrgCatalogue)).one()
    catalogue.document = {**catalogue.document, "admin_cancel_cost": "12.50"}
    session.commit()
    account_id = post_signup(api, mobile_signup())["account_info"]["account_id"]
    [cost] = penalties(api, f"/penalties/{account_id}", reason="cancel")["penalties"]
    assert cost["value"] == 12.5
    catalogue.document = {**catalogue.document, "admin_cancel_cost": "0"}
    session.commit()
    assert penalties(api, f"/penalties/{account_id}", reason="cancel")["penalties"] == []


def test_nothing_to_cancel_once_lines_are_live(api: ApiCaller) -> None:
    in_shop = post_signup(api, mobile_signup(line=mobile_line(iccid=sim_iccid(7))))
    account_id = in_shop["account_info"]["account_id"]
    assert penalties(api, f"/penalties/{account_id}", reason="cancel")["penalties"] == []
