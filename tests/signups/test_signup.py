"""POST signups through the HTTP API: each product family, inventory, risk and rejections."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.db.base import Base
from mascustomers.inventory.states import NumberStatus, SimStatus
from mascustomers.models import (
    Account,
    Commitment,
    Customer,
    Msisdn,
    Sell,
    SimCard,
    Subscription,
    SubscriptionTerminal,
    WorkOrder,
)
from tests.bodies import convergent_signup, device, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import MOBILE_ONLY_20GB, PREPAID_5GB, sim_iccid
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")


def row_counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def test_mobile_only_signup_with_sim_in_shop(api: ApiCaller, session: Session) -> None:
    body = mobile_signup(line=mobile_line(msisdn="600000007", iccid=sim_iccid(3)))
    response = api.post("/signups", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["risk_decision"] == "a"
    assert result["account_info"]["account_number"].startswith("MM-")
    [line] = result["account_info"]["subscriptions"]
    assert line["msisdn"] == "600000007"
    subscription = session.get(Subscription, line["subscription_id"])
    assert subscription is not None
    assert subscription.status_id == 3  # ACTIVO: SIM handed in the shop
    assert subscription.iccid == sim_iccid(3)
    number = session.scalars(select(Msisdn).where(Msisdn.msisdn == "600000007")).one()
    assert number.status == NumberStatus.ASSIGNED
    assert number.subscription_id == subscription.id
    sim = session.scalars(select(SimCard).where(SimCard.iccid == sim_iccid(3))).one()
    assert sim.status_id == SimStatus.ACTIVA
    order = session.scalars(
        select(WorkOrder).where(WorkOrder.work_order_id == result["work_order_id"])
    ).one()
    assert order.type_id == 1


def test_shipped_sim_and_allocated_number(api: ApiCaller, session: Session) -> None:
    response = api.post("/signups", json=mobile_signup())
    assert response.status_code == 200, response.text
    [line] = response.json()["account_info"]["subscriptions"]
    subscription = session.get(Subscription, line["subscription_id"])
    assert subscription is not None
    assert subscription.status_id == 2  # PENDIENTE ALTA until the shipped SIM is activated
    assert line["msisdn"].startswith("6000")
    sim = session.scalars(select(SimCard).where(SimCard.iccid == subscription.iccid)).one()
    assert sim.status_id == SimStatus.RESERVADA


def test_prepaid_signup(api: ApiCaller) -> None:
    body = mobile_signup(billing_type_id=2, line=mobile_line(PREPAID_5GB))
    response = api.post("/signups", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["account_info"]["subscriptions"][0]["type"] == 1


def test_postpaid_product_refused_for_prepaid(api: ApiCaller, session: Session) -> None:
    before = row_counts(session)
    body = mobile_signup(billing_type_id=2, line=mobile_line(MOBILE_ONLY_20GB))
    response = api.post("/signups", json=body)
    assert response.status_code == 400
    assert "products.mobile_line.product_id" in response.json()["detailMsg"]
    assert row_counts(session) == before


def test_convergent_bundle(api: ApiCaller, session: Session) -> None:
    body = convergent_signup(
        devices=True, scoring={"scoring_value": 800, "credit_limit_available": "1000"}
    )
    response = api.post("/signups", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    info = result["account_info"]
    assert info["bundle_id"] == 500
    types = sorted(s["type"] for s in info["subscriptions"])
    assert types == [2, 2, 3, 4, 6, 12]
    fixed = next(s for s in info["subscriptions"] if s["type"] == 3)
    assert fixed["fixed_number"].startswith("828")
    main = next(s for s in info["subscriptions"] if s["subscription_terminal_id"])
    terminal = session.get(SubscriptionTerminal, main["subscription_terminal_id"])
    assert terminal is not None
    assert terminal.monthly_fee == Decimal("25.00")
    commitments = session.scalars(
        select(Commitment).where(Commitment.account_id == info["account_id"])
    ).all()
    assert sorted(c.associated_type for c in commitments) == ["promotion", "promotion", "terminal"]
    ftth = session.get(
        Subscription, next(s["subscription_id"] for s in info["subscriptions"] if s["type"] == 4)
    )
    assert ftth is not None
    assert ftth.status_id == 4  # PENDIENTE INSTALACION
    tv = session.get(
        Subscription, next(s["subscription_id"] for s in info["subscriptions"] if s["type"] == 6)
    )
    assert tv is not None
    assert tv.registration_email == "lucia.tv@example.es"


def test_existing_customer_is_reused(api: ApiCaller, session: Session) -> None:
    first = api.post("/signups", json=mobile_signup())
    second = api.post("/signups", json=mobile_signup())
    assert first.status_code == second.status_code == 200
    assert first.json()["customer_id"] == second.json()["customer_id"]
    assert first.json()["account_info"]["account_id"] != second.json()["account_info"]["account_id"]
    assert session.scalar(select(func.count()).select_from(Customer)) == 1


def test_portability(api: ApiCaller, session: Session) -> None:
    line = mobile_line(
        msisdn="655123456",
        portability_info={
            "scheduled_date": "2026-12-01",
            "operator_id": "MOVISTAR",
            "donor_line_type": "C",
        },
    )
    response = api.post("/signups", json=mobile_signup(line=line))
    assert response.status_code == 200, response.text
    subscription = session.get(
        Subscription, response.json()["account_info"]["subscriptions"][0]["subscription_id"]
    )
    assert subscription is not None
    assert subscription.origin_id == 2
    assert subscription.status_id == 2
    number = session.scalars(select(Msisdn).where(Msisdn.msisdn == "655123456")).one()
    assert number.status == NumberStatus.PORTED_IN
    again = api.post("/signups", json=mobile_signup(person=owner(87654321), line=line))
    assert again.status_code == 400
    assert again.json()["code"] == "0017"


@pytest.mark.parametrize(
    ("scoring", "status", "decision"),
    [
        ({"scoring_value": 800}, 200, "a"),
        ({"scoring_value": 300}, 202, "r"),
        ({"scoring_value": 100}, 202, "x"),
    ],
)
def test_risk_outcomes(
    api: ApiCaller, session: Session, scoring: dict[str, int], status: int, decision: str
) -> None:
    before = row_counts(session)
    response = api.post("/signups", json=mobile_signup(scoring=scoring))
    assert response.status_code == status, response.text
    result = response.json()
    assert result["risk_decision"] == decision
    after = row_counts(session)
    if decision == "x":
        changed = {t for t in after if after[t] != before[t]}
        # The rejected sell, and its signup.rejected event (numbered by the org's counter).
        assert changed == {"sell", "event", "org_sequence"}
        assert session.get(Sell, result["sell_id"]).status == "REJECTED"  # type: ignore[union-attr]
        assert (
            session.scalar(
                select(func.count()).select_from(Msisdn).where(Msisdn.status != "AVAILABLE")
            )
            == 0
        )
    elif decision == "r":
        subscription = session.get(
            Subscription, result["account_info"]["subscriptions"][0]["subscription_id"]
        )
        assert subscription is not None
        assert subscription.status_id == 5  # PENDIENTE RIESGO, inventory held
        account = session.get(Account, result["account_info"]["account_id"])
        assert account is not None
        assert account.status_id == 5


def test_financing_without_scoring_is_not_available(api: ApiCaller) -> None:
    body = mobile_signup(line=mobile_line(devices=[device()]))
    response = api.post("/signups", json=body)
    assert response.status_code == 202
    assert response.json()["risk_decision"] == "n/a"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda b: b["clients"]["attributes"][0].update(document_value="12345678A"),
            "document_value",
        ),
        (lambda b: b["clients"]["attributes"][0].update(email="x" * 80 + "@example.es"), "email"),
        (
            lambda b: b["clients"]["attributes"][0]["address"].update(postal_code="08001"),
            "postal_code",
        ),
        (
            lambda b: b["payment"]["info"].update(bank_account="ES9121000418450200051333"),
            "bank_account",
        ),
        (lambda b: b["products"]["mobile_line"].update(msisdn="500000000"), "msisdn"),
        (lambda b: b["products"]["mobile_line"].update(iccid="8934040000000000031"), "iccid"),
        (lambda b: b["products"]["mobile_line"].update(bonuses=[{"id": 999}]), "bonuses"),
        (lambda b: b["sales_info"].update(signature_type="SMOKE"), "signature_type"),
        (lambda b: b.update(sales_type="other"), "sales_type"),
        (
            lambda b: b["products"]["mobile_line"].update(
                devices=[{**device(), "reservation_id": None}]
            ),
            "reservation_id",
        ),
    ],
)
def test_bad_input_writes_nothing(
    api: ApiCaller, session: Session, mutate: object, field: str
) -> None:
    body = mobile_signup(line=mobile_line(msisdn="600000011", iccid=sim_iccid(5)))
    mutate(body)  # type: ignore[operator]
    before = row_counts(session)
    response = api.post("/signups", json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["detailMsg"]
    assert row_counts(session) == before
