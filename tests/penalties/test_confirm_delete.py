"""PUT and DELETE penalties: COMPUTED → CONFIRMED → DELETED, every move and refusal."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import ComputedPenalty, Invoice, PenaltyLine, Subscription
from tests.factories import ApiCaller, make_key
from tests.penalties.support import OrgTime, convergent_with_device
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")


def compute(api: ApiCaller, account_id: int) -> dict[str, Any]:
    response = api.get(f"/penalties/{account_id}", params={"reason": "unsubscribe"})
    assert response.status_code == 200, response.text
    return dict(response.json()[0])


def stored(session: Session, penalty_id: int) -> tuple[ComputedPenalty, list[PenaltyLine]]:
    session.expire_all()
    penalty = session.get(ComputedPenalty, penalty_id)
    assert penalty is not None
    lines = session.scalars(
        select(PenaltyLine)
        .where(PenaltyLine.computed_penalty_id == penalty_id)
        .order_by(PenaltyLine.id)
    ).all()
    return penalty, list(lines)


def snapshot(session: Session, penalty_id: int) -> tuple[Any, ...]:
    penalty, lines = stored(session, penalty_id)
    return (
        penalty.status,
        penalty.confirmed_at,
        penalty.deleted_at,
        tuple((line.id, line.confirmed, line.invoice_id) for line in lines),
    )


@pytest.fixture
def account(api: ApiCaller, clock: OrgTime) -> int:
    account_id = convergent_with_device(api)["account_info"]["account_id"]
    clock.on(date(2026, 7, 15))
    return int(account_id)


def test_confirm_every_line(api: ApiCaller, session: Session, account: int, clock: OrgTime) -> None:
    penalty_id = compute(api, account)["computed_penalty_id"]
    response = api.put(f"/penalties/{penalty_id}")
    assert response.status_code == 200, response.text
    assert response.content == b""
    penalty, lines = stored(session, penalty_id)
    assert penalty.status == "CONFIRMED"
    assert penalty.confirmed_at == clock.now
    assert [line.confirmed for line in lines] == [True, True, True]
    assert all(line.invoice_id is None for line in lines)


def test_confirm_twice_is_refused(api: ApiCaller, session: Session, account: int) -> None:
    penalty_id = compute(api, account)["computed_penalty_id"]
    assert api.put(f"/penalties/{penalty_id}").status_code == 200
    before = snapshot(session, penalty_id)
    again = api.put(f"/penalties/{penalty_id}")
    assert again.status_code == 400
    assert again.json()["code"] == "0080"
    assert snapshot(session, penalty_id) == before


def test_confirm_a_subset_keeps_mandatory_lines(
    api: ApiCaller, session: Session, account: int
) -> None:
    answer = compute(api, account)
    promo, terminal, bundle = answer["penalties"]
    assert (promo["mandatory"], terminal["mandatory"], bundle["mandatory"]) == (False, True, False)
    response = api.put(
        f"/penalties/{answer['computed_penalty_id']}", params={"penalties": [promo["id"]]}
    )
    assert response.status_code == 200, response.text
    penalty, lines = stored(session, answer["computed_penalty_id"])
    assert penalty.status == "CONFIRMED"
    # The promotion asked for, and the terminal because it is mandatory; the bundle waived.
    assert {line.id: line.confirmed for line in lines} == {
        promo["id"]: True,
        terminal["id"]: True,
        bundle["id"]: False,
    }


def test_subset_as_comma_separated_ids(api: ApiCaller, session: Session, account: int) -> None:
    answer = compute(api, account)
    promo, _, bundle = answer["penalties"]
    response = api.put(
        f"/penalties/{answer['computed_penalty_id']}",
        params={"penalties": f"{promo['id']},{bundle['id']}"},
    )
    assert response.status_code == 200, response.text
    _, lines = stored(session, answer["computed_penalty_id"])
    assert all(line.confirmed for line in lines)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("999999", "0084"),
        ("abc", "0001"),
        ("0", "0001"),
        ("-1", "0001"),
        (str(2**63), "0001"),
        ("9" * 5000, "0001"),
        ("\u00b2", "0001"),
    ],
)
def test_subset_with_foreign_or_bad_ids(
    api: ApiCaller, session: Session, account: int, value: str, code: str
) -> None:
    penalty_id = compute(api, account)["computed_penalty_id"]
    before, counts = snapshot(session, penalty_id), row_counts(session)
    response = api.put(f"/penalties/{penalty_id}", params={"penalties": value})
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert snapshot(session, penalty_id) == before
    assert row_counts(session) == counts


def main_line_of(session: Session, account: int) -> int:
    return session.scalars(
        select(Subscription.id).where(
            Subscription.account_id == account, Subscription.mobile_line_type == "main"
        )
    ).one()


def compute_line(api: ApiCaller, account: int, subscription_id: int) -> dict[str, Any]:
    response = api.get(
        f"/penalties/{account}/subscriptions/{subscription_id}", params={"reason": "mobile"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json()[0])


def test_lines_of_another_computed_penalty_are_foreign(
    api: ApiCaller, session: Session, account: int
) -> None:
    first = compute(api, account)
    second = compute_line(api, account, main_line_of(session, account))
    assert second["computed_penalty_id"] != first["computed_penalty_id"]
    response = api.put(
        f"/penalties/{second['computed_penalty_id']}",
        params={"penalties": [first["penalties"][0]["id"]]},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "0084"


def test_delete_a_confirmed_penalty_withdraws_its_lines(
    api: ApiCaller, session: Session, account: int, clock: OrgTime
) -> None:
    penalty_id = compute(api, account)["computed_penalty_id"]
    assert api.put(f"/penalties/{penalty_id}").status_code == 200
    clock.on(date(2026, 7, 16))
    response = api.delete(f"/penalties/{penalty_id}")
    assert response.status_code == 200, response.text
    assert response.content == b""
    penalty, lines = stored(session, penalty_id)
    assert penalty.status == "DELETED"
    assert penalty.deleted_at == clock.now
    assert not any(line.confirmed for line in lines)


@pytest.mark.parametrize("body", [b'{"a": ', b"null", b"{}"])
def test_a_body_on_delete_is_refused(
    api: ApiCaller, session: Session, account: int, body: bytes
) -> None:
    """DELETE takes no body: with one (broken JSON deleted the penalty) it deletes nothing."""
    penalty_id = compute(api, account)["computed_penalty_id"]
    assert api.put(f"/penalties/{penalty_id}").status_code == 200
    before, counts = snapshot(session, penalty_id), row_counts(session)
    response = api.delete(
        f"/penalties/{penalty_id}", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["detailMsg"] == "body: this operation takes no request body"
    assert snapshot(session, penalty_id) == before
    assert row_counts(session) == counts
    assert api.delete(f"/penalties/{penalty_id}").status_code == 200


def test_delete_needs_a_confirmed_penalty(api: ApiCaller, session: Session, account: int) -> None:
    penalty_id = compute(api, account)["computed_penalty_id"]
    before = snapshot(session, penalty_id)
    computed = api.delete(f"/penalties/{penalty_id}")
    assert computed.status_code == 400
    assert computed.json()["code"] == "0082"
    assert snapshot(session, penalty_id) == before

    assert api.put(f"/penalties/{penalty_id}").status_code == 200
    assert api.delete(f"/penalties/{penalty_id}").status_code == 200
    deleted = snapshot(session, penalty_id)
    again = api.delete(f"/penalties/{penalty_id}")
    assert again.status_code == 400
    assert again.json()["code"] == "0082"
    reconfirm = api.put(f"/penalties/{penalty_id}")
    assert reconfirm.status_code == 400
    assert reconfirm.json()["code"] == "0081"
    assert snapshot(session, penalty_id) == deleted


def test_an_invoiced_penalty_cannot_be_deleted(
    api: ApiCaller, session: Session, account: int, clock: OrgTime
) -> None:
    penalty_id = compute(api, account)["computed_penalty_id"]
    assert api.put(f"/penalties/{penalty_id}").status_code == 200
    penalty, lines = stored(session, penalty_id)
    invoice = Invoice(
        org_id=penalty.org_id,
        account_id=account,
        number="F2026-000001",
        cycle="2026-07",
        cycle_start=date(2026, 7, 1),
        cycle_end=date(2026, 7, 31),
        issued_at=datetime(2026, 8, 1, 6, 0, tzinfo=UTC),
        value=Decimal("75.62"),
        value_total=Decimal("91.50"),
        status_id=1,
        delivery_mode="email",
        path="/invoices/F2026-000001.pdf",
    )
    session.add(invoice)
    session.flush()
    lines[0].invoice_id = invoice.id
    session.commit()
    before = snapshot(session, penalty_id)
    response = api.delete(f"/penalties/{penalty_id}")
    assert response.status_code == 400
    assert response.json()["code"] == "0083"
    assert snapshot(session, penalty_id) == before


def test_a_commitment_is_charged_once(api: ApiCaller, session: Session, account: int) -> None:
    first = compute(api, account)
    # The main line's commitments, computed for that line alone: part of the account's.
    second = compute_line(api, account, main_line_of(session, account))
    assert {p["commitment_uuid"] for p in second["penalties"]} < {
        p["commitment_uuid"] for p in first["penalties"]
    }
    assert api.put(f"/penalties/{first['computed_penalty_id']}").status_code == 200
    # Confirmed commitments are not computed again …
    assert compute(api, account)["penalties"] == []
    # … and an older computation of them cannot be confirmed as well.
    before = snapshot(session, second["computed_penalty_id"])
    response = api.put(f"/penalties/{second['computed_penalty_id']}")
    assert response.status_code == 400
    assert response.json()["code"] == "0085"
    assert snapshot(session, second["computed_penalty_id"]) == before
    # Once deleted, they are owed again.
    assert api.delete(f"/penalties/{first['computed_penalty_id']}").status_code == 200
    assert len(compute(api, account)["penalties"]) == 3
    assert api.put(f"/penalties/{second['computed_penalty_id']}").status_code == 200


def test_unknown_or_foreign_penalty_is_not_found(
    api: ApiCaller, session: Session, account: int
) -> None:
    penalty_id = compute(api, account)["computed_penalty_id"]
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    for caller, target in ((api, 999_999), (other, penalty_id)):
        for method in ("PUT", "DELETE"):
            response = caller.request(method, f"/penalties/{target}")
            assert response.status_code == 404, (method, target)
            assert response.json()["code"] == "0005"
    penalty, _ = stored(session, penalty_id)
    assert penalty.status == "COMPUTED"
