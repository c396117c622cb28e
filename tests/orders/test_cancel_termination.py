"""BAJA work orders: a termination on a date opens one; CANCEL keeps the line live."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import Account, ComputedPenalty, Invoice, PenaltyLine, ScheduledOperation
from mascustomers.orders.jobs import run_deactivation
from tests.factories import ApiCaller
from tests.ops.test_terminations import PETICION_CLIENTE, in_shop, terminate
from tests.orders.test_change_order import change, history
from tests.penalties.support import OrgTime, convergent_with_device, line, main_line, work_order
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

BAJA = 2


def terminate_on(api: ApiCaller, subscription_id: int, **extra: Any) -> dict[str, Any]:
    response = terminate(
        api,
        subscription_id,
        motive_id=PETICION_CLIENTE,
        deactivation_date="2026-02-01",
        **extra,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_cancel_of_a_baja_keeps_the_line_live(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    signup = convergent_with_device(api)
    main = main_line(signup)
    assert api.patch("/signups/activate-sim", json={"msisdn": main["msisdn"]}).status_code == 200
    subscription_id = main["subscription_id"]
    terminated = terminate_on(api, subscription_id, with_penalties=True)
    order = work_order(session, terminated["work_order_id"])
    assert (order.type_id, order.status_id) == (BAJA, 32)
    assert line(session, subscription_id).status_id == 82
    penalty = session.get(ComputedPenalty, terminated["computed_penalty_id"])
    assert penalty is not None
    assert penalty.status == "CONFIRMED"

    answer = change(api, order.work_order_id, "CANCEL", reason="se queda")
    assert answer["error_code"] == "0", answer

    kept = line(session, subscription_id)
    assert (kept.status_id, kept.ended_at) == (3, None)  # ACTIVO again
    assert kept.details is not None
    assert kept.details["termination"]["withdrawn"]["work_order_id"] == order.work_order_id
    operation = session.get(ScheduledOperation, terminated["scheduled_operation_id"])
    assert operation is not None
    session.refresh(operation)
    assert operation.status == "CANCELLED"
    session.refresh(penalty)
    assert penalty.status == "DELETED"
    assert history(session, order.id) == [
        (32, "test-key", None),
        (6, "test-key", "CANCEL: se queda (seller D001)"),
    ]
    # The day comes and nothing happens.
    assert run_deactivation(session, operation, datetime(2026, 2, 2, tzinfo=UTC)) is False
    assert line(session, subscription_id).status_id == 3


def test_a_blocked_line_goes_back_to_blocked(api: ApiCaller, session: Session) -> None:
    [info] = in_shop(api)["account_info"]["subscriptions"]
    subscription_id = info["subscription_id"]
    theft = {"active": True, "reason": "robo"}
    assert api.patch(f"/subscriptions/{subscription_id}/blocks/1", json=theft).status_code == 201
    terminated = terminate_on(api, subscription_id)
    response = api.post(f"/ops/work-orders/{terminated['work_order_id']}/cancel")
    assert response.status_code == 200, response.text
    assert response.json()["status"]["value"] == "CANCELADA"
    assert response.json()["subscriptions"][0]["status"] == {"id": 9, "value": "BLOQUEADO"}


def test_the_deactivation_completes_the_baja(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    [info] = in_shop(api)["account_info"]["subscriptions"]
    terminated = terminate_on(api, info["subscription_id"])
    order = work_order(session, terminated["work_order_id"])
    completing = change(api, order.work_order_id, "COMPLETE")
    assert completing["error_code"] == "0089"
    assert "BAJA order" in completing["error_description"]
    operation = session.get(ScheduledOperation, terminated["scheduled_operation_id"])
    assert operation is not None
    assert run_deactivation(session, operation, datetime(2026, 2, 1, tzinfo=UTC)) is True
    done = work_order(session, order.work_order_id)
    assert done.status_id == 34
    assert history(session, done.id)[-1][:2] == (34, "scheduler")
    counts = row_counts(session)
    too_late = change(api, order.work_order_id, "CANCEL")
    assert too_late["error_code"] == "0089"
    assert "COMPLETADA" in too_late["error_description"]
    assert row_counts(session) == counts
    assert line(session, info["subscription_id"]).status_id == 7


def test_the_baja_of_a_termination_now_is_done_at_once(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    [info] = in_shop(api)["account_info"]["subscriptions"]
    clock.on(date(2026, 1, 20))
    response = terminate(api, info["subscription_id"], motive_id=PETICION_CLIENTE)
    assert response.status_code == 200, response.text
    order = work_order(session, response.json()["work_order_id"])
    assert (order.type_id, order.status_id) == (BAJA, 34)
    refused = change(api, order.work_order_id, "CANCEL")
    assert refused["error_code"] == "0089"
    assert line(session, info["subscription_id"]).status_id == 7


def test_a_baja_whose_penalty_is_invoiced_cannot_be_cancelled(
    api: ApiCaller, session: Session
) -> None:
    signup = convergent_with_device(api)
    main = main_line(signup)
    assert api.patch("/signups/activate-sim", json={"msisdn": main["msisdn"]}).status_code == 200
    terminated = terminate_on(api, main["subscription_id"], with_penalties=True)
    charged = session.scalars(
        select(PenaltyLine).where(
            PenaltyLine.computed_penalty_id == terminated["computed_penalty_id"]
        )
    ).first()
    assert charged is not None
    charged.invoice_id = _an_invoice(session, signup["account_info"]["account_id"])
    session.commit()
    counts = row_counts(session)
    refused = change(api, terminated["work_order_id"], "CANCEL")
    assert refused["error_code"] == "0089"
    assert "invoiced" in refused["error_description"]
    assert row_counts(session) == counts
    assert line(session, main["subscription_id"]).status_id == 82


def _an_invoice(session: Session, account_id: int) -> int:
    account = session.get(Account, account_id)
    assert account is not None
    issued = datetime(2026, 1, 31, tzinfo=UTC)
    invoice = Invoice(
        org_id=account.org_id,
        account_id=account_id,
        number="F00000001",
        cycle="2026-01",
        cycle_start=issued.date(),
        cycle_end=issued.date(),
        issued_at=issued,
        value=Decimal("10.00"),
        value_total=Decimal("12.10"),
        status_id=1,
        paid_at=None,
        delivery_mode="email",
        path="/invoices/x.pdf",
    )
    session.add(invoice)
    session.flush()
    return invoice.id
