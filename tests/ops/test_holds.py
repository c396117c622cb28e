"""Back office: list, approve and reject risk holds, with the database before and after."""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.auth.permissions import Permission
from mascustomers.inventory.states import NumberStatus, SimStatus
from mascustomers.models import (
    Account,
    AccountBundle,
    Commitment,
    ComputedPenalty,
    ScheduledOperation,
    Sell,
    SubscriptionStatusChange,
    SubscriptionTerminal,
    WorkOrderStatusChange,
)
from tests.bodies import convergent_signup, mobile_line, mobile_signup
from tests.catalogue_fixture import sim_iccid
from tests.factories import ApiCaller, make_key
from tests.penalties.support import (
    OrgTime,
    line,
    line_ids,
    main_line,
    number,
    post_signup,
    sim,
    work_order,
)
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

REVIEW = {"scoring_value": 300, "credit_limit_available": "1000"}
SHOP_SIM = sim_iccid(11)


def held_convergent(api: ApiCaller) -> dict[str, Any]:
    """A convergent order held for review: main line with its SIM in the shop and an iPhone."""
    body = convergent_signup(devices=True, scoring=REVIEW)
    body["products"]["bundle"]["mobile_lines"][0]["iccid"] = SHOP_SIM
    return post_signup(api, body, status=202)


def statuses(session: Session, signup: dict[str, Any]) -> dict[int, int]:
    return {
        s["subscription_id"]: line(session, s["subscription_id"]).status_id
        for s in signup["account_info"]["subscriptions"]
    }


def test_list_holds(api: ApiCaller) -> None:
    held = held_convergent(api)
    post_signup(api, mobile_signup())  # approved at once: not a hold
    response = api.get("/ops/risk-holds")
    assert response.status_code == 200, response.text
    [hold] = response.json()["holds"]
    assert hold["sell_id"] == held["sell_id"]
    assert (hold["kind"], hold["status"], hold["risk_decision"]) == ("SIGNUP", "HELD", "r")
    assert hold["work_order_ids"] == [held["work_order_id"]]
    assert {s["status"]["value"] for s in hold["subscriptions"]} == {"PENDIENTE RIESGO"}
    assert len(hold["subscriptions"]) == 6
    assert api.get("/ops/risk-holds", params={"kind": "ADD_LINES"}).json()["holds"] == []


def test_approve_continues_the_order(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    held = held_convergent(api)
    account_id = held["account_info"]["account_id"]
    assert set(statuses(session, held).values()) == {5}
    account = session.get(Account, account_id)
    assert account is not None
    assert (account.status_id, account.activated_at) == (5, None)

    response = api.post(f"/ops/risk-holds/{held['sell_id']}/approve")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "COMPLETED"

    main = main_line(held)["subscription_id"]
    [additional] = [i for i in line_ids(held, 2) if i != main]
    after = statuses(session, held)
    assert after[main] == 3  # SIM handed in the shop → ACTIVO
    assert after[additional] == 2  # shipped → PENDIENTE ALTA
    for type_id in (3, 4, 6):  # landline, fibre, TV → PENDIENTE INSTALACION
        assert {after[i] for i in line_ids(held, type_id)} == {4}
    assert after[line_ids(held, 12)[0]] == 3  # Netflix → ACTIVO
    assert sim(session, SHOP_SIM).status_id == SimStatus.ACTIVA
    shipped = line(session, additional).iccid
    assert shipped is not None
    assert sim(session, shipped).status_id == SimStatus.RESERVADA
    terminal = session.get(SubscriptionTerminal, main_line(held)["subscription_terminal_id"])
    assert terminal is not None
    assert terminal.status_id == 3
    session.refresh(account)
    assert (account.status_id, account.activated_at) == (3, clock.now)
    bundle = session.scalars(
        select(AccountBundle).where(AccountBundle.account_id == account_id)
    ).one()
    assert bundle.status_id == 4
    order = work_order(session, held["work_order_id"])
    assert order.status_id == 32
    assert [
        (row.status_id, row.reason)
        for row in session.scalars(
            select(WorkOrderStatusChange)
            .where(WorkOrderStatusChange.work_order_id == order.id)
            .order_by(WorkOrderStatusChange.id)
        )
    ] == [(5, None), (32, "RIESGO APROBADO")]
    moves = session.scalars(
        select(SubscriptionStatusChange.status_id)
        .where(SubscriptionStatusChange.subscription_id == main)
        .order_by(SubscriptionStatusChange.id)
    ).all()
    assert list(moves) == [5, 3]
    sell = session.get(Sell, held["sell_id"])
    assert sell is not None
    assert (sell.status, sell.decided_at) == ("COMPLETED", clock.now)
    assert api.get("/ops/risk-holds").json()["holds"] == []


def test_approved_ported_line_waits_for_its_window(api: ApiCaller, session: Session) -> None:
    ported = mobile_line(
        msisdn="655000111",
        portability_info={
            "scheduled_date": "2026-02-02",
            "operator_id": "MOVISTAR",
            "donor_line_type": "C",
        },
    )
    held = post_signup(api, mobile_signup(line=ported, scoring=REVIEW), status=202)
    assert api.post(f"/ops/risk-holds/{held['sell_id']}/approve").status_code == 200
    subscription_id = held["account_info"]["subscriptions"][0]["subscription_id"]
    assert line(session, subscription_id).status_id == 2
    operation = session.scalars(
        select(ScheduledOperation).where(ScheduledOperation.subscription_id == subscription_id)
    ).one()
    assert (operation.kind, operation.status) == ("PORTABILITY_WINDOW", "PENDING")
    assert operation.due_at.isoformat() == "2026-02-01T23:00:00+00:00"  # Madrid midnight


def test_reject_cancels_and_releases_inventory(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    held = held_convergent(api)
    account_id = held["account_info"]["account_id"]
    mobiles = [line(session, i) for i in line_ids(held, 2)]
    numbers = [m.identification_nr for m in mobiles]
    sims = [m.iccid for m in mobiles]
    response = api.post(f"/ops/risk-holds/{held['sell_id']}/reject")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "REJECTED"

    assert set(statuses(session, held).values()) == {6}
    for msisdn in numbers:
        assert msisdn is not None
        pooled = number(session, msisdn)
        assert pooled is not None
        assert (pooled.status, pooled.subscription_id) == (NumberStatus.AVAILABLE, None)
    for iccid in sims:
        assert iccid is not None
        assert (sim(session, iccid).status_id, sim(session, iccid).subscription_id) == (
            SimStatus.DISPONIBLE,
            None,
        )
    terminal = session.get(SubscriptionTerminal, main_line(held)["subscription_terminal_id"])
    assert terminal is not None
    assert terminal.status_id == 6
    commitments = session.scalars(
        select(Commitment).where(Commitment.account_id == account_id)
    ).all()
    assert commitments
    assert all(c.cancelled_at == clock.now for c in commitments)
    assert work_order(session, held["work_order_id"]).status_id == 6
    account = session.get(Account, account_id)
    assert account is not None
    session.refresh(account)
    assert account.status_id == 6
    bundle = session.scalars(
        select(AccountBundle).where(AccountBundle.account_id == account_id)
    ).one()
    assert (bundle.ended_at, bundle.status_id) == (clock.now, 6)
    assert session.scalars(select(ComputedPenalty)).all() == []  # no cost on a refusal
    sell = session.get(Sell, held["sell_id"])
    assert sell is not None
    assert sell.status == "REJECTED"


def test_reject_a_ported_line_gives_the_number_back(api: ApiCaller, session: Session) -> None:
    ported = mobile_line(
        msisdn="655000222",
        portability_info={
            "scheduled_date": "2026-02-02",
            "operator_id": "MOVISTAR",
            "donor_line_type": "C",
        },
    )
    held = post_signup(api, mobile_signup(line=ported, scoring=REVIEW), status=202)
    assert number(session, "655000222") is not None
    assert api.post(f"/ops/risk-holds/{held['sell_id']}/reject").status_code == 200
    session.expire_all()
    assert number(session, "655000222") is None  # a ported-in number leaves the inventory


def test_refusals_change_nothing(api: ApiCaller, session: Session) -> None:
    approved = post_signup(api, mobile_signup())
    account_id = approved["account_info"]["account_id"]
    migration = Sell(
        org_id=session.get(Account, account_id).org_id,  # type: ignore[union-attr]
        kind="MIGRATION",
        status="HELD",
        risk_decision="r",
        customer_id=approved["customer_id"],
        account_id=account_id,
        request={"account": {"account_id": account_id, "new_bundle_id": 501}},
        created_at=approved_created(session, approved),
        created_by="test",
    )
    session.add(migration)
    session.commit()
    cases = [
        (f"/ops/risk-holds/{approved['sell_id']}/approve", 400, "0090"),
        (f"/ops/risk-holds/{approved['sell_id']}/reject", 400, "0090"),
        (f"/ops/risk-holds/{migration.id}/approve", 400, "0091"),
        ("/ops/risk-holds/999999/approve", 404, "0005"),
        ("/ops/risk-holds/999999/reject", 404, "0005"),
    ]
    for path, status, code in cases:
        before = row_counts(session)
        response = api.post(path)
        assert response.status_code == status, (path, response.text)
        assert response.json()["code"] == code
        assert row_counts(session) == before
    assert api.post(f"/ops/risk-holds/{migration.id}/reject").status_code == 200
    session.refresh(migration)
    assert migration.status == "REJECTED"


def approved_created(session: Session, signup: dict[str, Any]) -> Any:
    sell = session.get(Sell, signup["sell_id"])
    assert sell is not None
    return sell.created_at


def test_holds_need_the_operations_permission(api: ApiCaller, session: Session) -> None:
    key = make_key(session, permissions=frozenset(Permission) - {Permission.OPERATIONS})
    response = api.client.get(f"/v2/orgs/{api.org}/ops/risk-holds", headers={"x-api-key": key})
    assert response.status_code == 403
    assert response.json()["code"] == "0004"
