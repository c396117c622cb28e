"""POST /v2/workorders/change-order: each change type, its refusals and the status history."""

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.inventory.states import NumberStatus, SimStatus
from mascustomers.models import (
    Account,
    AccountBundle,
    Commitment,
    ComputedPenalty,
    OrgCatalogue,
    PenaltyLine,
    SubscriptionTerminal,
    WorkOrderStatusChange,
)
from mascustomers.workorders.change_docs import render_effects, render_table
from tests.bodies import mobile_signup
from tests.factories import ApiCaller, make_key
from tests.penalties.support import (
    OrgTime,
    convergent_with_device,
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

CHANGE_ORDER = "/v2/workorders/change-order"
FIXED, FTTH, TV, NETFLIX = 3, 4, 6, 12


def change(
    api: ApiCaller,
    order: str,
    changetype: str,
    parameters: str | None = None,
    reason: str = "peticion cliente",
) -> dict[str, Any]:
    body = {
        "seller": "D001",
        "workorderid": order,
        "reason": reason,
        "parameters": parameters,
        "changetype": changetype,
    }
    response = api.post(CHANGE_ORDER, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json()["errorVO"])


def history(session: Session, order_pk: int) -> list[tuple[int, str, str | None]]:
    rows = session.scalars(
        select(WorkOrderStatusChange)
        .where(WorkOrderStatusChange.work_order_id == order_pk)
        .order_by(WorkOrderStatusChange.id)
    ).all()
    return [(row.status_id, row.modified_by, row.reason) for row in rows]


def test_complete_installs_the_fixed_lines(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    signup = convergent_with_device(api)
    clock.on(date(2026, 1, 20))
    answer = change(api, signup["work_order_id"], "COMPLETE", reason="instalado")
    assert answer == {
        "error_code": "0",
        "error_description": "OK",
        "operation_date": "2026-01-20T10:00:00Z",
    }
    for type_id in (FIXED, FTTH, TV):
        for subscription_id in line_ids(signup, type_id):
            installed = line(session, subscription_id)
            assert installed.status_id == 1  # INSTALADO
            assert installed.activated_at == clock.now
    assert line(session, line_ids(signup, NETFLIX)[0]).status_id == 3  # was ACTIVO already
    assert {line(session, i).status_id for i in line_ids(signup, 2)} == {2}  # SIMs shipped
    order = work_order(session, signup["work_order_id"])
    assert order.status_id == 34
    assert history(session, order.id) == [
        (32, "test-key", None),
        (34, "test-key", "COMPLETE: instalado (seller D001)"),
    ]
    bundle = session.scalars(
        select(AccountBundle).where(
            AccountBundle.account_id == signup["account_info"]["account_id"]
        )
    ).one()
    assert bundle.status_id == 1


def test_change_type_is_case_insensitive(api: ApiCaller, session: Session) -> None:
    signup = post_signup(api, mobile_signup())
    assert change(api, signup["work_order_id"], " complete ")["error_code"] == "0"
    assert work_order(session, signup["work_order_id"]).status_id == 34


def test_change_not_allowed_in_the_status_changes_nothing(api: ApiCaller, session: Session) -> None:
    signup = post_signup(api, mobile_signup())
    assert change(api, signup["work_order_id"], "COMPLETE")["error_code"] == "0"
    for changetype, parameters in (
        ("COMPLETE", None),
        ("CANCEL", None),
        ("RESCHEDULE", "2026-02-01"),
        ("CHANGE_CONTACT", json.dumps({"name": "Ana"})),
    ):
        before = row_counts(session)
        answer = change(api, signup["work_order_id"], changetype, parameters)
        assert answer["error_code"] == "0089", changetype
        assert "COMPLETADA" in answer["error_description"]
        assert answer["operation_date"] == "2026-01-15T10:00:00Z"
        assert row_counts(session) == before


def test_an_order_held_by_risk_waits_for_the_back_office(api: ApiCaller, session: Session) -> None:
    held = post_signup(api, mobile_signup(scoring={"scoring_value": 300}), status=202)
    before = row_counts(session)
    answer = change(api, held["work_order_id"], "CANCEL")
    assert answer["error_code"] == "0089"
    assert "PENDIENTE RIESGO" in answer["error_description"]
    assert row_counts(session) == before


def test_cancel_releases_inventory_and_charges_the_admin_cost(
    api: ApiCaller, session: Session
) -> None:
    signup = convergent_with_device(api)
    account_id = signup["account_info"]["account_id"]
    mobiles = [line(session, i) for i in line_ids(signup, 2)]
    numbers = [m.identification_nr for m in mobiles]
    iccids = [m.iccid for m in mobiles]
    answer = change(api, signup["work_order_id"], "CANCEL", reason="desiste")
    assert answer["error_code"] == "0", answer

    for type_id in (FIXED, FTTH, TV, 2):
        for subscription_id in line_ids(signup, type_id):
            cancelled = line(session, subscription_id)
            assert cancelled.status_id == 6
            assert cancelled.ended_at is not None
    # Netflix was live already: a cancellation does not end live lines.
    assert line(session, line_ids(signup, NETFLIX)[0]).status_id == 3
    for msisdn, iccid in zip(numbers, iccids, strict=True):
        assert msisdn is not None
        assert iccid is not None
        pooled = number(session, msisdn)
        assert pooled is not None
        assert (pooled.status, pooled.subscription_id) == (NumberStatus.AVAILABLE, None)
        card = sim(session, iccid)
        assert (card.status_id, card.subscription_id) == (SimStatus.DISPONIBLE, None)
    terminal = session.get(SubscriptionTerminal, main_line(signup)["subscription_terminal_id"])
    assert terminal is not None
    assert terminal.status_id == 6
    commitments = session.scalars(
        select(Commitment).where(Commitment.account_id == account_id)
    ).all()
    own = [c for c in commitments if c.subscription_id is not None]
    assert own
    assert all(c.cancelled_at is not None for c in own)

    order = work_order(session, signup["work_order_id"])
    assert order.status_id == 6
    assert history(session, order.id)[-1] == (6, "test-key", "CANCEL: desiste (seller D001)")
    penalty = session.scalars(
        select(ComputedPenalty).where(ComputedPenalty.account_id == account_id)
    ).one()
    assert (penalty.status, penalty.reason) == ("CONFIRMED", "cancel")
    [cost] = session.scalars(
        select(PenaltyLine).where(PenaltyLine.computed_penalty_id == penalty.id)
    ).all()
    assert (cost.type, str(cost.value), cost.confirmed) == ("ADMCOSTCANCELCOST", "30.00", True)
    account = session.get(Account, account_id)
    assert account is not None
    assert account.status_id == 3


def test_cancel_of_the_only_line_closes_the_account(api: ApiCaller, session: Session) -> None:
    signup = post_signup(api, mobile_signup())
    account_id = signup["account_info"]["account_id"]
    assert change(api, signup["work_order_id"], "CANCEL")["error_code"] == "0"
    account = session.get(Account, account_id)
    assert account is not None
    session.refresh(account)
    assert account.status_id == 6  # CANCELADO


def test_cancel_is_free_when_the_catalogue_says_so(api: ApiCaller, session: Session) -> None:
    catalogue = session.scalars(select(OrgCatalogue)).one()
    catalogue.document = {**catalogue.document, "admin_cancel_cost": "0.00"}
    session.commit()
    signup = post_signup(api, mobile_signup())
    assert change(api, signup["work_order_id"], "CANCEL")["error_code"] == "0"
    assert session.scalars(select(ComputedPenalty)).all() == []


def test_reschedule(api: ApiCaller, session: Session) -> None:
    signup = convergent_with_device(api)
    assert change(api, signup["work_order_id"], "RESCHEDULE", "2026-02-03")["error_code"] == "0"
    order = work_order(session, signup["work_order_id"])
    assert order.scheduled_date == date(2026, 2, 3)
    assert order.status_id == 32
    assert history(session, order.id)[-1] == (
        32,
        "test-key",
        "RESCHEDULE: peticion cliente (seller D001)",
    )


def test_change_contact_and_address(api: ApiCaller, session: Session) -> None:
    signup = convergent_with_device(api)
    contact = {"name": "Pedro", "lastname": "Ruiz", "phone": "699111222"}
    assert change(api, signup["work_order_id"], "CHANGE_CONTACT", json.dumps(contact)) == {
        "error_code": "0",
        "error_description": "OK",
        "operation_date": "2026-01-15T10:00:00Z",
    }
    address = {
        "street_name": "CALLE MAYOR",
        "number": "3",
        "state_id": 8,
        "locality": "BARCELONA",
        "postal_code": "08002",
    }
    assert change(api, signup["work_order_id"], "CHANGE_ADDRESS", json.dumps(address))[
        "error_code"
    ] == ("0")
    order = work_order(session, signup["work_order_id"])
    assert order.installation is not None
    assert order.installation["contact"] == contact
    assert order.installation["address"] == address
    assert [row[0] for row in history(session, order.id)] == [32, 32, 32]


@pytest.mark.parametrize(
    ("changetype", "parameters", "status", "code"),
    [
        ("EXPLODE", None, 400, "0087"),
        ("RESCHEDULE", None, 400, "0088"),
        ("RESCHEDULE", "03/02/2026", 400, "0088"),
        ("RESCHEDULE", "2026-01-15", 400, "0088"),  # today is not in the future
        ("RESCHEDULE", "2025-12-31", 400, "0088"),
        ("CHANGE_CONTACT", "{not json", 400, "0088"),
        ("CHANGE_CONTACT", json.dumps(["Ana"]), 400, "0088"),
        ("CHANGE_CONTACT", json.dumps({"phone": "699111222"}), 400, "0088"),
        (
            "CHANGE_ADDRESS",
            json.dumps(
                {"street_name": "X", "state_id": 28, "locality": "M", "postal_code": "08001"}
            ),
            400,
            "0088",
        ),
    ],
)
def test_bad_change_orders_change_nothing(
    api: ApiCaller,
    session: Session,
    changetype: str,
    parameters: str | None,
    status: int,
    code: str,
) -> None:
    signup = convergent_with_device(api)
    before = row_counts(session)
    body = {
        "seller": "D001",
        "workorderid": signup["work_order_id"],
        "parameters": parameters,
        "changetype": changetype,
    }
    response = api.post(CHANGE_ORDER, json=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert row_counts(session) == before


def test_unknown_or_foreign_work_order_is_not_found(api: ApiCaller, session: Session) -> None:
    signup = post_signup(api, mobile_signup())
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    before = row_counts(session)
    for caller, order in ((api, "OT9999999999"), (other, signup["work_order_id"])):
        response = caller.post(
            CHANGE_ORDER, json={"seller": "D001", "workorderid": order, "changetype": "COMPLETE"}
        )
        assert response.status_code == 404
        assert response.json()["code"] == "0005"
    assert row_counts(session) == before


@pytest.mark.parametrize("missing", ["seller", "workorderid", "changetype"])
def test_required_fields(api: ApiCaller, missing: str) -> None:
    body = {"seller": "D001", "workorderid": "OT0000000001", "changetype": "COMPLETE"}
    del body[missing]
    response = api.post(CHANGE_ORDER, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "0001"
    assert missing in response.json()["detailMsg"]


def test_the_change_table_is_in_the_openapi_description(api: ApiCaller) -> None:
    document = api.client.get("/v2/openapi.json").json()
    described = document["paths"][CHANGE_ORDER]["post"]["description"]
    assert render_table() in described
    assert render_effects() in described
    assert "0089" in described
