"""PATCH subscriptions/{id}/sim-replacement: the swap, its records, risk, blocks and refusals."""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.inventory.states import SimStatus
from mascustomers.models import (
    Contract,
    Sell,
    SimCard,
    SubscriptionBlock,
    WorkOrder,
    WorkOrderSubscription,
)
from tests.catalogue_fixture import sim_iccid
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import convergent, count, line, mobile, overdue_invoice

pytestmark = pytest.mark.usefixtures("catalogue")


def body(sim: int | None = 10, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"dealer_id": "D001", "shop_id": "S001", "logistic": False}
    if sim is not None:
        payload["new_icc"] = sim_iccid(sim)
    payload.update(extra)
    return payload


def replace(api: ApiCaller, subscription_id: int, payload: dict[str, Any]) -> Any:
    return api.patch(
        f"/subscriptions/{subscription_id}/sim-replacement",
        json=payload,
        headers={"x-origin-ip": "192.168.1.1"},
    )


def sim(session: Session, iccid: str) -> SimCard:
    return session.scalars(select(SimCard).where(SimCard.iccid == iccid)).one()


def sim_orders(session: Session, subscription_id: int) -> list[WorkOrder]:
    session.expire_all()
    return list(
        session.scalars(
            select(WorkOrder)
            .join(WorkOrderSubscription, WorkOrderSubscription.work_order_id == WorkOrder.id)
            .where(WorkOrderSubscription.subscription_id == subscription_id, WorkOrder.type_id == 5)
            .order_by(WorkOrder.id)
        )
    )


def test_replacement_in_a_shop(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api, sim=1)
    old_imsi = line(session, subscription_id).imsi
    response = replace(api, subscription_id, body(10))
    assert response.status_code == 201, response.text
    assert response.json() == {"risk_decision": "a"}
    subscription = line(session, subscription_id)
    assert subscription.iccid == sim_iccid(10)
    assert subscription.imsi == sim(session, sim_iccid(10)).imsi != old_imsi
    new, old = sim(session, sim_iccid(10)), sim(session, sim_iccid(1))
    assert (new.status_id, new.subscription_id) == (SimStatus.ACTIVA, subscription_id)
    assert (old.status_id, old.subscription_id) == (SimStatus.SUSTITUIDA, None)
    [order] = sim_orders(session, subscription_id)
    assert order.status_id == 32
    contract = session.scalars(
        select(Contract).where(Contract.signature_config == "SIM_REPLACEMENT")
    ).one()
    assert (contract.subscription_id, contract.iccid) == (subscription_id, sim_iccid(10))
    sell = session.scalars(select(Sell).where(Sell.kind == "SIM_REPLACEMENT")).one()
    assert sell.origin_ip == "192.168.1.1"
    assert sell.status == "COMPLETED"
    assert sell.request["subscription_id"] == subscription_id
    assert sell.request["old_icc"] == sim_iccid(1)
    shown = api.get(f"/subscriptions/{subscription_id}").json()
    assert shown["iccid"] == sim_iccid(10)


def test_shipped_sim_comes_from_stock(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api, sim=1)
    response = replace(api, subscription_id, body(None, logistic=True, shop_id=None))
    assert response.status_code == 201, response.text
    subscription = line(session, subscription_id)
    assert subscription.iccid not in (None, sim_iccid(1))
    assert sim(session, subscription.iccid or "").subscription_id == subscription_id


def test_third_replacement_in_30_days_goes_to_review(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api, sim=1)
    assert replace(api, subscription_id, body(10)).status_code == 201
    assert replace(api, subscription_id, body(11)).status_code == 201
    before_iccid = line(session, subscription_id).iccid
    response = replace(api, subscription_id, body(12))
    assert response.status_code == 202
    assert response.json() == {"risk_decision": "r"}
    assert line(session, subscription_id).iccid == before_iccid == sim_iccid(11)
    assert sim(session, sim_iccid(12)).status_id == SimStatus.RESERVADA  # kept for the decision
    held = session.scalars(select(Sell).where(Sell.status == "HELD")).one()
    assert held.request["new_icc"] == sim_iccid(12)
    assert [o.status_id for o in sim_orders(session, subscription_id)] == [32, 32, 5]
    # While it waits, no other replacement of the line.
    before = row_counts(session)
    pending = replace(api, subscription_id, body(13))
    assert pending.status_code == 400
    assert pending.json()["code"] == "0068"
    assert row_counts(session) == before


def test_rejected_replacement_stores_only_the_sell(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api, sim=1)
    overdue_invoice(session, subscription_id)
    before = row_counts(session)
    response = replace(api, subscription_id, body(10))
    assert response.status_code == 202
    assert response.json() == {"risk_decision": "x"}
    after = row_counts(session)
    assert {t for t in after if after[t] != before[t]} == {"sell"}
    assert sim(session, sim_iccid(10)).status_id == SimStatus.DISPONIBLE


def test_blocked_line_only_in_a_shop_and_the_replacement_lifts_the_block(
    api: ApiCaller, session: Session
) -> None:
    subscription_id = mobile(api, sim=1)
    api.patch(f"/subscriptions/{subscription_id}/blocks/1", json={"active": True, "reason": "robo"})
    assert line(session, subscription_id).status_id == 9  # BLOQUEADO
    before = row_counts(session)
    online = replace(api, subscription_id, body(None, logistic=True, shop_id=None))
    assert online.status_code == 400
    assert online.json()["code"] == "0067"
    assert row_counts(session) == before
    in_shop = replace(api, subscription_id, body(10))
    assert in_shop.status_code == 201, in_shop.text
    assert api.get(f"/subscriptions/{subscription_id}/blocks").json()["items"] == []
    block = session.scalars(select(SubscriptionBlock)).one()
    assert block.end_at is not None
    assert line(session, subscription_id).status_id == 3  # ACTIVO on the new SIM
    assert sim(session, sim_iccid(10)).status_id == SimStatus.ACTIVA


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (body(1), "0017"),  # the line's own SIM is not free
        (body(2, new_icc="8934040000000000031"), "0001"),  # wrong Luhn digit
        (body(2, new_icc="12345"), "0001"),
        (body(None), "0001"),  # a shop replacement names the SIM
        ({"new_icc": sim_iccid(10), "logistic": False}, "0001"),  # dealer_id is required
        ({"dealer_id": "D001", "new_icc": sim_iccid(10)}, "0001"),  # logistic is required
    ],
)
def test_refusals_write_nothing(
    api: ApiCaller, session: Session, payload: dict[str, Any], code: str
) -> None:
    subscription_id = mobile(api, sim=1)
    before = row_counts(session)
    response = replace(api, subscription_id, payload)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert row_counts(session) == before
    assert line(session, subscription_id).iccid == sim_iccid(1)


def test_sim_of_another_line_is_not_free(api: ApiCaller, session: Session) -> None:
    first = mobile(api, sim=1)
    second = mobile(api, sim=2)
    before = row_counts(session)
    response = replace(api, second, body(1))
    assert response.status_code == 400
    assert response.json()["code"] == "0017"
    assert row_counts(session) == before
    assert line(session, first).iccid == sim_iccid(1)


def test_fixed_line_has_no_sim_to_replace(api: ApiCaller, session: Session) -> None:
    lines = convergent(api)
    before = row_counts(session)
    response = replace(api, lines["landline"], body(10))
    assert response.status_code == 400
    assert response.json()["code"] == "0066"
    assert row_counts(session) == before


def test_line_waiting_for_its_first_sim_gets_a_reserved_one(
    api: ApiCaller, session: Session
) -> None:
    subscription_id = mobile(api, sim=None)  # shipped SIM: PENDIENTE ALTA
    old = line(session, subscription_id).iccid
    response = replace(api, subscription_id, body(None, logistic=True, shop_id=None))
    assert response.status_code == 201, response.text
    subscription = line(session, subscription_id)
    assert subscription.status_id == 2
    assert sim(session, subscription.iccid or "").status_id == SimStatus.RESERVADA
    assert sim(session, old or "").status_id == SimStatus.SUSTITUIDA
    activated = api.patch("/signups/activate-sim", json={"msisdn": subscription.identification_nr})
    assert activated.status_code == 200, activated.text
    assert sim(session, subscription.iccid or "").status_id == SimStatus.ACTIVA
    assert count(session, Sell, Sell.kind == "SIM_REPLACEMENT") == 1
