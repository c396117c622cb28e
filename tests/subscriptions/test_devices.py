"""GET and POST subscriptions/{id}/devices: terminals, financing, permanence, risk, refusals."""

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import today
from mascustomers.kit.money import prorate
from mascustomers.models import (
    Commitment,
    Contract,
    Sell,
    SubscriptionTerminal,
    WorkOrder,
)
from tests.bodies import convergent_signup
from tests.catalogue_fixture import IPHONE
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import convergent, line, mobile, overdue_invoice

pytestmark = pytest.mark.usefixtures("catalogue")

IMEI = "356938035643809"


def sale(**device: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "device_details": {"catalogue_id": str(IPHONE), "imei": IMEI, "model_id": "70"},
        "fees": {
            "upfront_fee": 49,
            "installment_plan": {
                "duration": 24,
                "monthly_fee": 20,
                "last_installment_fee": 20,
                "tae": 0,
                "tin": 0,
            },
        },
        "financial_details": {"pre_booking": {"order_id": "ignored"}},
        "terms": {"penalty_value": 120, "commitment_duration": 24},
        "reservation_id": "e528d8ec-831f-40e9-8414-8ef7cc99c4e4",
        "signature_type": "PAPER",
    }
    order.update(device)
    return {
        "sell": {
            "dealer_id": "C00002",
            "shop_id": "0025",
            "category": "Generic",
            "payment": {"scoring": {"scoring_value": 800, "credit_limit_available": 1000}},
        },
        "client": {"attributes": {"employment": {"company": "ignored"}}},
        "device": order,
        "subscription_offer_segment": "RESIDENCIAL",
    }


def post(api: ApiCaller, subscription_id: int, body: dict[str, Any]) -> Any:
    return api.post(
        f"/subscriptions/{subscription_id}/devices",
        json=body,
        headers={"x-origin-ip": "10.1.2.3"},
    )


def test_sell_a_device_on_a_line(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    response = post(api, subscription_id, sale())
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["risk_decision"] == "a"
    terminal = session.get(SubscriptionTerminal, result["subscription_terminal_id"])
    assert terminal is not None
    assert (terminal.subscription_id, terminal.installments, terminal.status_id) == (
        subscription_id,
        24,
        3,
    )
    commitment = session.scalars(
        select(Commitment).where(Commitment.subscription_terminal_id == terminal.id)
    ).one()
    assert (commitment.months, commitment.penalty_amount) == (24, Decimal("120.00"))
    contract = session.scalars(
        select(Contract).where(Contract.subscription_terminal_id == terminal.id)
    ).one()
    assert contract.signature_config == "TERMINAL"
    sell = session.scalars(select(Sell).where(Sell.kind == "DEVICE")).one()
    assert (sell.origin_ip, sell.status) == ("10.1.2.3", "COMPLETED")
    order = session.scalars(select(WorkOrder).where(WorkOrder.sell_id == sell.id)).one()
    assert order.type_id == 6


def test_devices_view(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    terminal_id = post(api, subscription_id, sale()).json()["subscription_terminal_id"]
    terminal = session.get(SubscriptionTerminal, terminal_id)
    assert terminal is not None
    terminal.installments_billed = 4
    session.commit()
    response = api.get(f"/subscriptions/{subscription_id}/devices")
    assert response.status_code == 200, response.text
    [device] = response.json()["devices"]
    assert list(device) == [
        "subscription_id",
        "subscription_terminal_id",
        "delivery_date",
        "status",
        "request_detail",
        "device_info",
        "fees",
        "permanences",
    ]
    assert device["subscription_terminal_id"] == terminal_id
    assert device["status"] == {"id": 3, "value": "ACTIVO"}
    assert device["request_detail"]["request_type"] == "venta"
    assert device["request_detail"]["user_profile_role"] == "Generic"
    info = device["device_info"]
    assert (info["device_name"], info["device_model"]) == ("Apple iPhone 16", "128GB Negro")
    assert (info["terminal_code"], info["terminal_category_type"]) == ("PV00016", "SMARTPHONE")
    assert info["serial_number"] == int(IMEI)
    assert info["is_financed"] is True
    assert info["value_due_today"] == 400.0  # 20 unpaid installments of 20
    assert info["paid"] is False
    plan = device["fees"]["installment_plan"]
    assert plan == {
        "last_installment_fee": 20.0,
        "monthly_fee": 20.0,
        "duration": 24,
        "unpaid_installments": 20,
        "financed_by": None,
    }
    assert device["fees"]["final_installment_plan"] == plan
    assert device["fees"]["upfront_fee"] == 49.0
    start = today()
    total = (start + relativedelta(months=24) - start).days
    assert device["permanences"] == {
        "duration_months": 24,
        "current_duration_days": 0,
        "penalty_amount": 120.0,
        "current_penalty_amount": float(prorate("120", total, total)),
    }


def test_permanence_pro_rata(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    terminal_id = post(api, subscription_id, sale()).json()["subscription_terminal_id"]
    commitment = session.scalars(
        select(Commitment).where(Commitment.subscription_terminal_id == terminal_id)
    ).one()
    commitment.start_date = today() - relativedelta(months=6)
    commitment.end_date = commitment.start_date + relativedelta(months=24)
    session.commit()
    total = (commitment.end_date - commitment.start_date).days
    remaining = (commitment.end_date - today()).days
    permanence = api.get(f"/subscriptions/{subscription_id}/devices").json()["devices"][0][
        "permanences"
    ]
    assert permanence["current_duration_days"] == total - remaining
    assert permanence["current_penalty_amount"] == float(prorate("120.00", remaining, total))
    commitment.end_date = date(2000, 1, 1)
    commitment.start_date = date(1998, 1, 1)
    session.commit()
    ended = api.get(f"/subscriptions/{subscription_id}/devices").json()["devices"][0]
    assert ended["permanences"]["current_penalty_amount"] == 0.0


def test_signup_device_is_listed(api: ApiCaller) -> None:
    lines = convergent(
        api, devices=True, scoring={"scoring_value": 800, "credit_limit_available": "1000"}
    )
    [device] = api.get(f"/subscriptions/{lines['main']}/devices").json()["devices"]
    assert device["request_detail"]["request_type"] == "captacion"
    assert device["permanences"]["duration_months"] == 24


def test_renewal_of_a_terminal_of_the_line(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    old = post(api, subscription_id, sale()).json()["subscription_terminal_id"]
    response = post(api, subscription_id, sale(old_subscription_terminal_id=old))
    assert response.status_code == 201, response.text
    devices = api.get(f"/subscriptions/{subscription_id}/devices").json()["devices"]
    assert [d["request_detail"]["request_type"] for d in devices] == ["venta", "renove"]


def test_zero_old_terminal_means_none_in_both_operations(api: ApiCaller, session: Session) -> None:
    """The reference's example sends ``"old_subscription_terminal_id": 0``: not a renewal,
    in POST devices as in POST signups (one field type, ``ZeroMeansNoneId``)."""
    subscription_id = mobile(api)
    response = post(api, subscription_id, sale(old_subscription_terminal_id=0))
    assert response.status_code == 201, response.text
    sold = session.get(SubscriptionTerminal, response.json()["subscription_terminal_id"])
    assert sold is not None
    assert (sold.request_type, sold.old_subscription_terminal_id) == ("venta", None)

    body = convergent_signup(
        devices=True, scoring={"scoring_value": 800, "credit_limit_available": "1000"}
    )
    body["products"]["bundle"]["mobile_lines"][0]["devices"][0]["old_subscription_terminal_id"] = 0
    signed = api.post("/signups", json=body)
    assert signed.status_code == 200, signed.text
    main = next(
        s for s in signed.json()["account_info"]["subscriptions"] if s["subscription_terminal_id"]
    )
    captured = session.get(SubscriptionTerminal, main["subscription_terminal_id"])
    assert captured is not None
    assert (captured.request_type, captured.old_subscription_terminal_id) == ("captacion", None)


def test_paid_in_full_has_no_plan(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    # The reference example's zeros: no installments, no commitment.
    body = sale(
        fees={"upfront_fee": 899, "installment_plan": {"duration": 0, "monthly_fee": 0}},
        terms={"penalty_value": 0, "commitment_duration": 0},
    )
    assert post(api, subscription_id, body).status_code == 201
    [device] = api.get(f"/subscriptions/{subscription_id}/devices").json()["devices"]
    assert device["fees"]["installment_plan"] is None
    assert device["device_info"]["paid"] is True
    assert device["permanences"] is None


@pytest.mark.parametrize(
    ("scoring", "decision"),
    [(None, "n/a"), ({"scoring_value": 300}, "r"), ({"scoring_value": 100}, "x")],
)
def test_risk_outcomes(
    api: ApiCaller, session: Session, scoring: dict[str, int] | None, decision: str
) -> None:
    subscription_id = mobile(api)
    body = sale()
    body["sell"]["payment"] = {"scoring": scoring} if scoring else {}
    before = row_counts(session)
    response = post(api, subscription_id, body)
    assert response.status_code == 202, response.text
    assert response.json()["risk_decision"] == decision
    sell = session.scalars(select(Sell).where(Sell.kind == "DEVICE")).one()
    if decision == "x":
        assert response.json()["subscription_terminal_id"] is None
        after = row_counts(session)
        assert {t for t in after if after[t] != before[t]} == {"sell"}
        assert sell.status == "REJECTED"
        return
    terminal = session.get(SubscriptionTerminal, response.json()["subscription_terminal_id"])
    assert terminal is not None
    assert terminal.status_id == 5
    assert sell.status == "HELD"


def test_overdue_invoices_reject(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    overdue_invoice(session, subscription_id)
    response = post(api, subscription_id, sale())
    assert response.status_code == 202
    assert response.json() == {"risk_decision": "x", "subscription_terminal_id": None}


def refuse(path: list[str], value: Any) -> dict[str, Any]:
    body = sale()
    target = body
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return copy.deepcopy(body)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (refuse(["device", "device_details", "catalogue_id"], KeyError), "0001", "catalogue_id"),
        (refuse(["device", "device_details", "catalogue_id"], 999), "0025", "catalogue_id"),
        (refuse(["device", "device_details", "imei"], "356938035643808"), "0001", "imei"),
        (refuse(["device", "device_details", "imei"], KeyError), "0001", "imei"),
        (refuse(["device", "reservation_id"], KeyError), "0001", "reservation_id"),
        (refuse(["subscription_offer_segment"], KeyError), "0001", "subscription_offer_segment"),
        (refuse(["device", "old_subscription_terminal_id"], 987654), "0071", "old_subscription"),
        (refuse(["client", "account_id"], "MM-0000001"), "0030", "account_id"),
        (refuse(["device", "fees", "installment_plan", "duration"], 61), "0001", "duration"),
    ],
)
def test_refusals_write_nothing(
    api: ApiCaller, session: Session, body: dict[str, Any], code: str, field: str
) -> None:
    subscription_id = mobile(api)
    before = row_counts(session)
    response = post(api, subscription_id, body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert field in response.json()["detailMsg"]
    assert row_counts(session) == before


def test_pending_imei_is_accepted(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    body = refuse(["device", "device_details", "imei"], KeyError)
    body["device"]["device_details"]["pending_imei"] = True
    response = post(api, subscription_id, body)
    assert response.status_code == 201, response.text
    [device] = api.get(f"/subscriptions/{subscription_id}/devices").json()["devices"]
    assert device["device_info"]["serial_number"] is None


def test_terminal_of_another_line_is_refused(api: ApiCaller, session: Session) -> None:
    first = mobile(api, sim=1)
    second = mobile(api, sim=2)
    old = post(api, first, sale()).json()["subscription_terminal_id"]
    before = row_counts(session)
    response = post(api, second, sale(old_subscription_terminal_id=old))
    assert response.status_code == 400
    assert response.json()["code"] == "0071"
    assert row_counts(session) == before
    assert line(session, second).id == second
