"""Back office: terminate or cancel a line with a motive, now or at a date; the DEACTIVATION job."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.inventory.states import NumberStatus, SimStatus
from mascustomers.models import (
    Account,
    Commitment,
    ComputedPenalty,
    PenaltyLine,
    ScheduledOperation,
)
from mascustomers.orders.jobs import run_deactivation
from tests.bodies import mobile_line, mobile_signup
from tests.catalogue_fixture import sim_iccid
from tests.factories import ApiCaller
from tests.penalties.support import (
    OrgTime,
    convergent_with_device,
    line,
    main_line,
    number,
    post_signup,
    sim,
    work_order,
)
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

PETICION_CLIENTE, DESISTIMIENTO = 1, 102


def in_shop(api: ApiCaller, index: int = 20) -> dict[str, Any]:
    """A mobile-only customer whose SIM was handed in the shop: the line is ACTIVO."""
    return post_signup(api, mobile_signup(line=mobile_line(iccid=sim_iccid(index))))


def terminate(api: ApiCaller, subscription_id: int, **body: Any) -> Any:
    return api.post(f"/ops/subscriptions/{subscription_id}/termination", json=body)


def test_terminate_now(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    signup = in_shop(api)
    [info] = signup["account_info"]["subscriptions"]
    subscription_id, msisdn = info["subscription_id"], info["msisdn"]
    assert line(session, subscription_id).status_id == 3
    clock.on(date(2026, 3, 1))
    response = terminate(api, subscription_id, motive_id=PETICION_CLIENTE)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "subscription_id": subscription_id,
        "status": {"id": 7, "value": "BAJA"},
        "kind": "termination",
        "motive": {"id": 1, "value": "PETICION CLIENTE"},
        "effective_date": "2026-03-01",
        "scheduled_operation_id": None,
        "computed_penalty_id": None,
        "work_order_id": response.json()["work_order_id"],
    }
    # Ended now: its BAJA work order is done at once.
    order = work_order(session, response.json()["work_order_id"])
    assert (order.type_id, order.status_id) == (2, 34)
    ended = line(session, subscription_id)
    assert (ended.status_id, ended.ended_at) == (7, clock.now)
    assert ended.details is not None
    assert ended.details["termination"]["motive_id"] == 1
    pooled = number(session, msisdn)
    assert pooled is not None
    assert (pooled.status, pooled.subscription_id) == (NumberStatus.AVAILABLE, None)
    card = sim(session, sim_iccid(20))
    assert (card.status_id, card.subscription_id) == (SimStatus.BAJA, None)
    account = session.get(Account, signup["account_info"]["account_id"])
    assert account is not None
    assert account.status_id == 7  # its only line ended
    # The number can be sold again.
    again = post_signup(api, mobile_signup(line=mobile_line(msisdn=msisdn)))
    assert again["account_info"]["subscriptions"][0]["msisdn"] == msisdn


def test_terminate_with_penalties(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    signup = convergent_with_device(api)
    main = main_line(signup)
    activated = api.patch("/signups/activate-sim", json={"msisdn": main["msisdn"]})
    assert activated.status_code == 200, activated.text
    clock.on(date(2026, 7, 15))
    response = terminate(
        api, main["subscription_id"], motive_id=PETICION_CLIENTE, with_penalties=True
    )
    assert response.status_code == 200, response.text
    penalty = session.get(ComputedPenalty, response.json()["computed_penalty_id"])
    assert penalty is not None
    assert (penalty.status, penalty.reason, penalty.subscription_id) == (
        "CONFIRMED",
        "mobile",
        main["subscription_id"],
    )
    lines = session.scalars(
        select(PenaltyLine)
        .where(PenaltyLine.computed_penalty_id == penalty.id)
        .order_by(PenaltyLine.id)
    ).all()
    assert [(x.type, x.value, x.confirmed) for x in lines] == [
        ("PROMOTIONPERMANENCE", Decimal("75.62"), True),
        ("TERMINALPERMANENCE", Decimal("112.81"), True),
    ]
    own = session.scalars(
        select(Commitment).where(Commitment.subscription_id == main["subscription_id"])
    ).all()
    assert all(c.cancelled_at == clock.now for c in own)
    assert line(session, main["subscription_id"]).status_id == 7
    account = session.get(Account, signup["account_info"]["account_id"])
    assert account is not None
    assert account.status_id == 3  # the other lines live on


def test_terminate_at_a_date_and_the_job(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    [info] = in_shop(api)["account_info"]["subscriptions"]
    subscription_id, msisdn = info["subscription_id"], info["msisdn"]
    response = terminate(
        api, subscription_id, motive_id=PETICION_CLIENTE, deactivation_date="2026-02-01"
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == {"id": 82, "value": "PENDIENTE A DESACTIVAR"}
    pending = line(session, subscription_id)
    assert (pending.status_id, pending.ended_at) == (82, None)
    operation = session.get(ScheduledOperation, response.json()["scheduled_operation_id"])
    assert operation is not None
    assert (operation.kind, operation.status, operation.subscription_id) == (
        "DEACTIVATION",
        "PENDING",
        subscription_id,
    )
    assert operation.due_at == datetime(2026, 1, 31, 23, 0, tzinfo=UTC)  # Madrid midnight
    assert operation.payload["motive_id"] == 1

    assert run_deactivation(session, operation, datetime(2026, 1, 31, 22, 0, tzinfo=UTC)) is False
    assert line(session, subscription_id).status_id == 82
    due = datetime(2026, 1, 31, 23, 0, 5, tzinfo=UTC)
    assert run_deactivation(session, operation, due) is True
    ended = line(session, subscription_id)
    assert (ended.status_id, ended.ended_at) == (7, due)
    session.refresh(operation)
    assert (operation.status, operation.done_at) == ("DONE", due)
    pooled = number(session, msisdn)
    assert pooled is not None
    assert pooled.status == NumberStatus.AVAILABLE
    assert run_deactivation(session, operation, due) is False  # exactly once
    order = work_order(session, response.json()["work_order_id"])
    assert (order.type_id, order.status_id) == (2, 34)  # its BAJA order: done by the job


def test_job_of_a_withdrawn_termination_is_cancelled(api: ApiCaller, session: Session) -> None:
    [info] = in_shop(api)["account_info"]["subscriptions"]
    response = terminate(
        api, info["subscription_id"], motive_id=PETICION_CLIENTE, deactivation_date="2026-02-01"
    )
    operation = session.get(ScheduledOperation, response.json()["scheduled_operation_id"])
    assert operation is not None
    subscription = line(session, info["subscription_id"])
    subscription.status_id = 3  # withdrawn meanwhile
    session.flush()
    assert run_deactivation(session, operation, datetime(2026, 2, 2, tzinfo=UTC)) is False
    assert operation.status == "CANCELLED"
    assert line(session, info["subscription_id"]).status_id == 3
    assert work_order(session, response.json()["work_order_id"]).status_id == 6


def test_cancel_a_line_not_live_yet(api: ApiCaller, session: Session) -> None:
    signup = post_signup(api, mobile_signup())  # SIM shipped: PENDIENTE ALTA
    [info] = signup["account_info"]["subscriptions"]
    iccid = line(session, info["subscription_id"]).iccid
    assert iccid is not None
    response = terminate(api, info["subscription_id"], motive_id=DESISTIMIENTO)
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "cancellation"
    assert line(session, info["subscription_id"]).status_id == 6
    assert sim(session, iccid).status_id == SimStatus.DISPONIBLE
    pooled = number(session, info["msisdn"])
    assert pooled is not None
    assert pooled.status == NumberStatus.AVAILABLE
    assert work_order(session, signup["work_order_id"]).status_id == 6  # nothing left in it
    account = session.get(Account, signup["account_info"]["account_id"])
    assert account is not None
    assert account.status_id == 6
    assert session.scalars(select(ComputedPenalty)).all() == []


def test_refusals_change_nothing(api: ApiCaller, session: Session) -> None:
    live = in_shop(api)["account_info"]["subscriptions"][0]["subscription_id"]
    pending = post_signup(api, mobile_signup())["account_info"]["subscriptions"][0][
        "subscription_id"
    ]
    ended = in_shop(api, 21)["account_info"]["subscriptions"][0]["subscription_id"]
    assert terminate(api, ended, motive_id=PETICION_CLIENTE).status_code == 200
    cases = [
        (live, {"motive_id": 999}, 400, "0022"),
        (live, {"motive_id": DESISTIMIENTO}, 400, "0092"),
        (pending, {"motive_id": PETICION_CLIENTE}, 400, "0092"),
        (pending, {"motive_id": DESISTIMIENTO, "deactivation_date": "2026-02-01"}, 400, "0001"),
        (ended, {"motive_id": PETICION_CLIENTE}, 400, "0093"),
        (live, {"motive_id": PETICION_CLIENTE, "deactivation_date": "2026-01-15"}, 400, "0094"),
        (live, {"motive_id": PETICION_CLIENTE, "deactivation_date": "2025-12-01"}, 400, "0094"),
        (live, {}, 400, "0001"),
        (live, {"motive_id": 1, "other": True}, 400, "0001"),
        (999_999, {"motive_id": PETICION_CLIENTE}, 404, "0005"),
    ]
    for subscription_id, body, status, code in cases:
        before = row_counts(session)
        response = terminate(api, subscription_id, **body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["code"] == code, body
        assert row_counts(session) == before
    assert line(session, live).status_id == 3
    assert line(session, pending).status_id == 2
