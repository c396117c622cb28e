"""Back office: look at, complete and cancel work orders (the change-order code)."""

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import ComputedPenalty, WorkOrder
from mascustomers.ops.endpoints import router
from tests.bodies import mobile_signup
from tests.catalogue_fixture import BUNDLE_BIG
from tests.factories import ApiCaller
from tests.penalties.support import (
    OrgTime,
    convergent_with_device,
    line,
    line_ids,
    post_signup,
    work_order,
)
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")


def test_view_and_complete(api: ApiCaller, session: Session, clock: OrgTime) -> None:
    signup = convergent_with_device(api)
    order = signup["work_order_id"]
    view = api.get(f"/ops/work-orders/{order}")
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["status"] == {"id": 32, "value": "PENDIENTE CREAR OT"}
    assert body["type"] == {"id": 1, "value": "ALTA"}
    assert len(body["subscriptions"]) == 6
    assert body["installation"]["address"]["postal_code"] == "28017"
    assert body["history"] == [
        {
            "status": {"id": 32, "value": "PENDIENTE CREAR OT"},
            "date": "2026-01-15T10:00:00Z",
            "modified_by": "test-key",
            "reason": None,
        }
    ]

    done = api.post(f"/ops/work-orders/{order}/complete", json={"reason": "instalado"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == {"id": 34, "value": "COMPLETADA"}
    assert done.json()["history"][-1]["reason"] == "COMPLETE: instalado (back office)"
    assert line(session, line_ids(signup, 4)[0]).status_id == 1
    assert work_order(session, order).status_id == 34

    before = row_counts(session)
    again = api.post(f"/ops/work-orders/{order}/complete")
    assert again.status_code == 400
    assert again.json()["code"] == "0089"
    assert row_counts(session) == before


def test_cancel(api: ApiCaller, session: Session) -> None:
    signup = post_signup(api, mobile_signup())
    response = api.post(f"/ops/work-orders/{signup['work_order_id']}/cancel")
    assert response.status_code == 200, response.text
    assert response.json()["status"]["value"] == "CANCELADA"
    assert response.json()["subscriptions"][0]["status"] == {"id": 6, "value": "CANCELADO"}
    penalty = session.scalars(select(ComputedPenalty)).one()
    assert (penalty.status, penalty.reason) == ("CONFIRMED", "cancel")


@pytest.mark.parametrize("body", [b"null", b'{"reason": ', b"[]", b'"x"'])
def test_a_bad_optional_body_cancels_nothing(api: ApiCaller, session: Session, body: bytes) -> None:
    """The body is optional, but one that is sent must be a Note: ``null`` cancelled before."""
    order = post_signup(api, mobile_signup())["work_order_id"]
    before = (work_order(session, order).status_id, row_counts(session))
    response = api.post(
        f"/ops/work-orders/{order}/cancel",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["detailMsg"].startswith(("body", "the request body"))
    assert (work_order(session, order).status_id, row_counts(session)) == before
    cancelled = api.post(f"/ops/work-orders/{order}/cancel", json={"reason": "cliente"})
    assert cancelled.status_code == 200, cancelled.text


def test_cancel_of_a_migration_undoes_only_the_migration(api: ApiCaller, session: Session) -> None:
    signup = convergent_with_device(api)
    account_id = signup["account_info"]["account_id"]
    body = {"account": {"account_id": account_id, "new_bundle_id": BUNDLE_BIG}}
    assert api.post("/signups/migration", json=body).status_code == 200
    migration = session.scalars(select(WorkOrder).where(WorkOrder.type_id == 4)).one()
    before = api.get(f"/ops/work-orders/{signup['work_order_id']}").json()["subscriptions"]
    response = api.post(
        f"/ops/work-orders/{migration.work_order_id}/cancel", json={"reason": "error"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"]["value"] == "CANCELADA"
    assert response.json()["history"][-1]["reason"] == "CANCEL: error (back office)"
    # The same lines in the same statuses: none ended.
    assert response.json()["subscriptions"] == before
    assert all(s["status"]["value"] != "CANCELADO" for s in response.json()["subscriptions"])
    assert session.scalars(select(ComputedPenalty)).all() == []
    again = api.post(f"/ops/work-orders/{migration.work_order_id}/cancel")
    assert again.status_code == 400
    assert again.json()["code"] == "0089"


def test_unknown_work_order(api: ApiCaller, session: Session) -> None:
    before = row_counts(session)
    for method, path in (
        ("GET", "/ops/work-orders/OT9999999999"),
        ("POST", "/ops/work-orders/OT9999999999/complete"),
        ("POST", "/ops/work-orders/OT9999999999/cancel"),
    ):
        response = api.request(method, path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "0005"
    assert row_counts(session) == before


def test_ops_routes_are_documented(api: ApiCaller) -> None:
    document = api.client.get("/v2/openapi.json").json()
    mine = {
        (method.lower(), route.path)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert len(mine) == 10
    ops = {
        (method, path): entry
        for path, item in document["paths"].items()
        for method, entry in item.items()
        if (method, path) in mine
    }
    assert set(ops) == mine
    for entry in ops.values():
        assert entry["tags"] == ["Operations"]
        assert entry["x-permission"] == "operations"
        assert {"400", "401", "403"} <= set(entry["responses"])
