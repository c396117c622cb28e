"""GET and PATCH subscriptions/{id}/products: views, immediate and scheduled changes, refusals."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import today
from mascustomers.models import (
    ScheduledOperation,
    Sell,
    SubscriptionService,
    WorkOrder,
    WorkOrderSubscription,
)
from mascustomers.risk.policy import Assessment, RiskDecision
from tests.catalogue_fixture import (
    ADDITIONAL_5GB,
    MAIN_10GB,
    MAIN_30GB,
    MOBILE_ONLY_20GB,
    PREPAID_5GB,
)
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import (
    ADDITIONAL_10GB,
    MOBILE_40GB,
    convergent,
    line,
    mobile,
    overdue_invoice,
)

pytestmark = pytest.mark.usefixtures("catalogue")
NOTHING = {
    "request_date": None,
    "process_date": None,
    "scheduled_date": None,
    "destination_product": None,
}


def in_days(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def orders(session: Session, subscription_id: int) -> list[WorkOrder]:
    session.expire_all()
    return list(
        session.scalars(
            select(WorkOrder)
            .join(WorkOrderSubscription, WorkOrderSubscription.work_order_id == WorkOrder.id)
            .where(WorkOrderSubscription.subscription_id == subscription_id, WorkOrder.type_id == 3)
            .order_by(WorkOrder.id)
        )
    )


def test_products_view(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    body = api.get(f"/subscriptions/{subscription_id}/products").json()
    assert list(body) == ["id", "product"]
    assert list(body["product"]) == ["id", "value", "historic_date", "scheduled"]
    assert body["id"] == subscription_id
    assert body["product"]["id"] == MOBILE_ONLY_20GB
    assert body["product"]["value"] == "TARIFA MOVIL 20GB"
    assert body["product"]["historic_date"].endswith("Z")
    assert "compatibilities" not in body["product"]
    assert body["product"]["scheduled"] == NOTHING


def test_compatibilities_follow_the_billing_type(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    body = api.get(f"/subscriptions/{subscription_id}/products?include=compatibilities").json()
    # PREPAGO 5GB is listed as compatible but is not sold to a postpaid account.
    assert body["product"]["compatibilities"] == [
        {
            "id": MOBILE_40GB,
            "value": "TARIFA MOVIL 40GB",
            "historic_date": None,
            "compatibilities": None,
            "scheduled": NOTHING,
        }
    ]


def test_bundled_line_shows_its_bundle(api: ApiCaller) -> None:
    lines = convergent(api)
    body = api.get(f"/subscriptions/{lines['main']}/products").json()
    assert body["bundle"] == {"id": 500, "value": "FIBRA 600Mb INDIRECTA + TARIFA MÁS 10GB"}


def test_immediate_change(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    response = api.patch(
        f"/subscriptions/{subscription_id}/products", json={"productId": MOBILE_40GB}
    )
    assert response.status_code == 201, response.text
    assert response.json() == {"risk_decision": "a"}
    assert line(session, subscription_id).product_id == MOBILE_40GB
    history = api.get(
        f"/subscriptions/{subscription_id}/products?include=historical_changes"
    ).json()["historical_changes"]
    assert [h["id"] for h in history] == [MOBILE_40GB, MOBILE_ONLY_20GB]
    [order] = orders(session, subscription_id)
    assert order.status_id == 32
    # The new product has no ROAMING (3): the line's services follow it.
    services = session.scalars(
        select(SubscriptionService).where(SubscriptionService.subscription_id == subscription_id)
    ).all()
    assert {s.service_id: s.active for s in services} == {1: True, 2: True, 3: False}


def test_additional_bundle_line_can_change(api: ApiCaller, session: Session) -> None:
    lines = convergent(api)
    response = api.patch(
        f"/subscriptions/{lines['additional']}/products", json={"productId": ADDITIONAL_10GB}
    )
    assert response.status_code == 201, response.text
    assert line(session, lines["additional"]).product_id == ADDITIONAL_10GB


def test_bundled_line_keeps_to_the_bundle(api: ApiCaller, session: Session) -> None:
    lines = convergent(api)
    # Compatible with the additional line's product, but not a product of the bundle.
    error = refused(api, session, lines["additional"], {"productId": MOBILE_40GB})
    assert error["code"] == "0027"
    assert line(session, lines["additional"]).product_id == ADDITIONAL_5GB


def pending(session: Session, subscription_id: int) -> list[ScheduledOperation]:
    session.expire_all()
    return list(
        session.scalars(
            select(ScheduledOperation).where(
                ScheduledOperation.subscription_id == subscription_id,
                ScheduledOperation.kind == "PRODUCT_CHANGE",
            )
        )
    )


def test_scheduled_change_is_visible_and_replaced(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/products"
    first = api.patch(url, json={"productId": MOBILE_40GB, "scheduled_date": in_days(10)})
    assert first.status_code == 201, first.text
    assert line(session, subscription_id).product_id == MOBILE_ONLY_20GB
    scheduled = api.get(url).json()["product"]["scheduled"]
    assert scheduled["destination_product"]["id"] == MOBILE_40GB
    assert scheduled["destination_product"]["value"] == "TARIFA MOVIL 40GB"
    assert scheduled["scheduled_date"].endswith("Z")
    assert scheduled["request_date"].endswith("Z")
    [operation] = pending(session, subscription_id)
    assert operation.status == "PENDING"
    assert operation.payload["product_id"] == MOBILE_40GB
    second = api.patch(url, json={"productId": MOBILE_40GB, "scheduled_date": in_days(20)})
    assert second.status_code == 201, second.text
    operations = pending(session, subscription_id)
    assert sorted(o.status for o in operations) == ["CANCELLED", "PENDING"]
    assert [o.status_id for o in orders(session, subscription_id)] == [6, 32]
    now = api.patch(url, json={"productId": MOBILE_40GB})
    assert now.status_code == 201
    assert all(o.status == "CANCELLED" for o in pending(session, subscription_id))
    assert api.get(url).json()["product"]["scheduled"] == NOTHING


def refused(api: ApiCaller, session: Session, subscription_id: int, body: dict[str, Any]) -> Any:
    before = row_counts(session)
    response = api.patch(f"/subscriptions/{subscription_id}/products", json=body)
    assert response.status_code == 400, response.text
    assert row_counts(session) == before
    return response.json()


def test_bundled_main_line_is_refused(api: ApiCaller, session: Session) -> None:
    lines = convergent(api)
    error = refused(api, session, lines["main"], {"productId": MAIN_30GB})
    assert error["code"] == "0061"
    assert line(session, lines["main"]).product_id == MAIN_10GB


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"productId": ADDITIONAL_5GB}, "0062"),  # not in the compatibilities
        ({"productId": MOBILE_ONLY_20GB}, "0062"),  # the current product
        ({"productId": PREPAID_5GB}, "0019"),  # compatible, but not for a postpaid account
        ({"productId": 999999}, "0019"),  # not in the catalogue
        ({"productId": MOBILE_40GB, "scheduled_date": in_days(0)}, "0063"),
        ({"productId": MOBILE_40GB, "scheduled_date": "2020-01-01"}, "0063"),
        ({"productId": MOBILE_40GB, "scheduled_date": "01/02/2030"}, "0001"),
        ({"scheduled_date": in_days(3)}, "0001"),
    ],
)
def test_refusals_write_nothing(
    api: ApiCaller, session: Session, body: dict[str, Any], code: str
) -> None:
    subscription_id = mobile(api)
    assert refused(api, session, subscription_id, body)["code"] == code


def test_unknown_line_is_404(api: ApiCaller) -> None:
    assert api.patch("/subscriptions/424242/products", json={"productId": 1}).status_code == 404
    assert api.get("/subscriptions/424242/products").status_code == 404


def test_risk_rejection_stores_only_the_sell(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    overdue_invoice(session, subscription_id)
    before = row_counts(session)
    response = api.patch(
        f"/subscriptions/{subscription_id}/products", json={"productId": MOBILE_40GB}
    )
    assert response.status_code == 202
    assert response.json() == {"risk_decision": "x"}
    after = row_counts(session)
    assert {t for t in after if after[t] != before[t]} == {"sell"}
    assert line(session, subscription_id).product_id == MOBILE_ONLY_20GB


def test_review_holds_the_change(
    api: ApiCaller, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscription_id = mobile(api)
    monkeypatch.setattr(
        "mascustomers.risk.service.decide",
        lambda *a, **k: Assessment(RiskDecision.REVIEW, "forced"),
    )
    response = api.patch(
        f"/subscriptions/{subscription_id}/products", json={"productId": MOBILE_40GB}
    )
    assert response.status_code == 202
    assert response.json() == {"risk_decision": "r"}
    assert line(session, subscription_id).product_id == MOBILE_ONLY_20GB
    sell = session.scalars(select(Sell).where(Sell.kind == "PRODUCT_CHANGE")).one()
    assert sell.status == "HELD"
    assert sell.request["product_id"] == MOBILE_40GB
    [order] = orders(session, subscription_id)
    assert order.status_id == 5
