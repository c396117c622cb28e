"""The hot line reads (detail, products, bonuses): index-backed, a fixed number of statements."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.auth.caller import Caller
from mascustomers.kit.clock import now, today
from mascustomers.subscriptions import bonuses
from mascustomers.subscriptions import reads as line_reads
from tests.catalogue_fixture import MOBILE_ONLY_20GB
from tests.factories import ApiCaller
from tests.query_plans import Captured, full_scans
from tests.subscriptions.conftest import MOBILE_40GB, convergent, mobile

pytestmark = pytest.mark.usefixtures("catalogue")


def in_days(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def test_reads_search_indexes(api: ApiCaller, connection: Connection, captured: Captured) -> None:
    # A bundled line with its signup bonus, and a line with a pending product change.
    lines = [convergent(api)["main"], mobile(api, sim=3, person=23456789)]
    change = {"productId": MOBILE_40GB, "scheduled_date": in_days(10)}
    assert api.patch(f"/subscriptions/{lines[1]}/products", json=change).status_code == 201
    captured.clear()
    for subscription_id in lines:
        url = f"/subscriptions/{subscription_id}"
        for path, params in (
            (url, {"include": "origin,selldate,historical_status"}),
            (f"{url}/products", {"include": "compatibilities,historical_changes"}),
            (f"{url}/bonuses", {"filter": "actual,inactive"}),
        ):
            answer = api.get(path, params=params)
            assert answer.status_code == 200, (path, answer.text)
    assert len(captured) >= 6
    assert full_scans(connection, captured) == []


def caller_of(session: Session, org_slug: str) -> Caller:
    org = auth_repository.get_org_by_slug(session, org_slug)
    assert org is not None
    instant = now()
    return Caller(org_id=org.id, org_slug=org_slug, actor="t", now=instant, today=instant.date())


def test_statements_per_read(
    api: ApiCaller, session: Session, org_slug: str, captured: Captured
) -> None:
    subscription_id = mobile(api)
    change = {"productId": MOBILE_40GB, "scheduled_date": in_days(10)}
    assert api.patch(f"/subscriptions/{subscription_id}/products", json=change).status_code == 201
    caller = caller_of(session, org_slug)
    reads: list[tuple[int, Callable[[], object]]] = [
        (1, lambda: line_reads.subscription_detail(**args, include=frozenset())),
        (
            2,
            lambda: line_reads.subscription_detail(
                **args, include=frozenset({"historical_status"})
            ),
        ),
        # The line with its pending change, then the catalogue targets and the destination.
        (2, lambda: line_reads.products_view(**args, include=frozenset({"compatibilities"}))),
        (1, lambda: bonuses.bonuses_view(**args, filters=frozenset({"actual", "inactive"}))),
    ]
    args: dict[str, Any] = {
        "session": session,
        "caller": caller,
        "subscription_id": subscription_id,
    }
    session.connection()
    for expected, read in reads:
        captured.clear()
        read()
        assert len(captured) == expected, captured


def test_products_view_with_everything(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/products"
    assert api.patch(url, json={"productId": MOBILE_40GB}).status_code == 201
    assert (
        api.patch(
            url, json={"productId": MOBILE_ONLY_20GB, "scheduled_date": in_days(10)}
        ).status_code
        == 201
    )
    body = api.get(url, params={"include": "compatibilities,historical_changes"}).json()
    product = body["product"]
    assert product["id"] == MOBILE_40GB
    assert product["value"] == "TARIFA MOVIL 40GB"
    assert [t["id"] for t in product["compatibilities"]] == [MOBILE_ONLY_20GB]
    assert product["scheduled"]["destination_product"]["id"] == MOBILE_ONLY_20GB
    assert product["scheduled"]["destination_product"]["value"] == "TARIFA MOVIL 20GB"
    history = body["historical_changes"]
    assert [(h["id"], h["value"]) for h in history] == [
        (MOBILE_40GB, "TARIFA MOVIL 40GB"),
        (MOBILE_ONLY_20GB, "TARIFA MOVIL 20GB"),
    ]
    assert history[0]["historic_date"] == product["historic_date"]


def test_missing_line_is_not_found(api: ApiCaller) -> None:
    for path in ("", "/products", "/bonuses"):
        response = api.get(f"/subscriptions/999999{path}")
        assert response.status_code == 404, (path, response.text)
