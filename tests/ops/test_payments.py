"""Back office: prepaid recharges and invoice payments."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import Account, Invoice, Recharge
from tests.bodies import mobile_line, mobile_signup
from tests.catalogue_fixture import PREPAID_5GB, sim_iccid
from tests.factories import ApiCaller, make_key
from tests.penalties.support import OrgTime, post_signup
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

RECARGA, TPV = 1, 1


def prepaid_line(api: ApiCaller) -> int:
    body = mobile_signup(billing_type_id=2, line=mobile_line(PREPAID_5GB, iccid=sim_iccid(30)))
    return int(post_signup(api, body)["account_info"]["subscriptions"][0]["subscription_id"])


def test_record_a_recharge(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    subscription_id = prepaid_line(api)
    response = api.post(
        f"/ops/subscriptions/{subscription_id}/recharges",
        json={"amount": 10.1, "origin_id": TPV, "movement_type_id": RECARGA},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["amount"] == 10.1
    assert body["date"] == "2026-01-15T10:00:00Z"
    recharge = session.get(Recharge, body["recharge_id"])
    assert recharge is not None
    assert (recharge.amount, recharge.origin_id, recharge.movement_type_id) == (
        Decimal("10.10"),
        TPV,
        RECARGA,
    )
    assert recharge.recharged_at == clock.now
    detail = api.get(f"/subscriptions/{subscription_id}/recharge/detail")
    if detail.status_code == 200:  # the subscriptions read is built
        assert [r["recharge_id"] for r in detail.json()["recharges"]] == [body["recharge_id"]]


def test_recharge_refusals_change_nothing(api: ApiCaller, session: Session) -> None:
    prepaid = prepaid_line(api)
    postpaid = post_signup(api, mobile_signup())["account_info"]["subscriptions"][0][
        "subscription_id"
    ]
    good = {"amount": "5.00", "origin_id": TPV, "movement_type_id": RECARGA}
    cases = [
        (postpaid, good, 400, "0070"),
        (prepaid, {**good, "origin_id": 999}, 400, "0022"),
        (prepaid, {**good, "movement_type_id": 999}, 400, "0022"),
        (prepaid, {**good, "amount": "0"}, 400, "0001"),
        (prepaid, {**good, "amount": "1.234"}, 400, "0001"),
        (prepaid, {"origin_id": TPV, "movement_type_id": RECARGA}, 400, "0001"),
        (999_999, good, 404, "0005"),
    ]
    for subscription_id, body, status, code in cases:
        before = row_counts(session)
        response = api.post(f"/ops/subscriptions/{subscription_id}/recharges", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["code"] == code, body
        assert row_counts(session) == before


def invoice(
    session: Session, account_id: int, status_id: int = 1, cycle: str = "2026-01"
) -> Invoice:
    account = session.get(Account, account_id)
    assert account is not None
    row = Invoice(
        org_id=account.org_id,
        account_id=account_id,
        number=f"F{cycle}-{account_id:06d}",
        cycle=cycle,
        cycle_start=date(2026, 1, 1),
        cycle_end=date(2026, 1, 31),
        issued_at=datetime(2026, 1, 10, 6, 0, tzinfo=UTC),
        value=Decimal("12.00"),
        value_total=Decimal("14.52"),
        status_id=status_id,
        delivery_mode="email",
        path="/invoices/x.pdf",
    )
    session.add(row)
    session.commit()
    return row


def test_pay_an_invoice(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    account_id = post_signup(api, mobile_signup())["account_info"]["account_id"]
    pending = invoice(session, account_id)
    response = api.post(f"/ops/invoices/{pending.id}/payment")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "invoice_id": pending.id,
        "number": pending.number,
        "status": {"id": 2, "value": "PAGADO"},
        "pay_date": "2026-01-15",
    }
    session.refresh(pending)
    assert (pending.status_id, pending.paid_at) == (2, clock.now)


def test_pay_on_an_earlier_day(api: ApiCaller, session: Session) -> None:
    account_id = post_signup(api, mobile_signup())["account_info"]["account_id"]
    returned = invoice(session, account_id, status_id=3)  # DEVUELTO: paid later by transfer
    response = api.post(f"/ops/invoices/{returned.id}/payment", json={"pay_date": "2026-01-12"})
    assert response.status_code == 200, response.text
    assert response.json()["pay_date"] == "2026-01-12"
    session.refresh(returned)
    assert returned.status_id == 2
    assert returned.paid_at == datetime(2026, 1, 11, 23, 0, tzinfo=UTC)  # Madrid midnight


def test_payment_refusals_change_nothing(api: ApiCaller, session: Session) -> None:
    account_id = post_signup(api, mobile_signup())["account_info"]["account_id"]
    pending = invoice(session, account_id)
    paid = api.post(f"/ops/invoices/{pending.id}/payment")
    assert paid.status_code == 200
    other = invoice(session, account_id, cycle="2026-02")  # a second one, still pending
    foreign = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    cases = [
        (api, pending.id, None, 400, "0095"),
        (api, other.id, {"pay_date": "2026-01-16"}, 400, "0001"),  # tomorrow
        (api, other.id, {"pay_date": "2026-01-09"}, 400, "0001"),  # before the invoice
        (api, 999_999, None, 404, "0005"),
        (foreign, other.id, None, 404, "0005"),
    ]
    for caller, invoice_id, body, status, code in cases:
        before = row_counts(session)
        response = caller.post(f"/ops/invoices/{invoice_id}/payment", json=body)
        assert response.status_code == status, (invoice_id, body, response.text)
        assert response.json()["code"] == code
        assert row_counts(session) == before
    session.refresh(other)
    assert other.status_id == 1
    assert session.scalars(select(Invoice.status_id).order_by(Invoice.id)).all() == [2, 1]
