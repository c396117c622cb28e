"""GET accounts/{accountId}/promotions: three levels; active and scheduled, or inactive."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import clock_for, format_timestamp
from mascustomers.models import Account, AppliedPromotion
from tests.accounts.helpers import account_id, convergent
from tests.catalogue_fixture import PROMO_ACCOUNT, PROMO_BUNDLE, PROMO_LINE_50
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXAMPLE = reference_example("GET", "/accounts/{accountId}/promotions")


def promotions(api: ApiCaller, account: int, **params: Any) -> dict[str, Any]:
    response = api.get(f"/accounts/{account}/promotions", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert_shape(body, EXAMPLE, doubles=frozenset({"value"}))
    return body


def add_account_promotion(session: Session, account: int, *, days_from_now: int) -> None:
    row = session.get(Account, account)
    assert row is not None
    start = clock_for(None).now() + timedelta(days=days_from_now)
    session.add(
        AppliedPromotion(
            org_id=row.org_id,
            promotion_id=PROMO_ACCOUNT,
            level="account",
            account_id=account,
            start_at=start,
            end_at=start + timedelta(days=180),
        )
    )
    session.commit()


def test_active_and_scheduled_promotions(api: ApiCaller, session: Session) -> None:
    result = convergent(api, 56000001)
    account = account_id(result)
    add_account_promotion(session, account, days_from_now=10)

    body = promotions(api, account)

    [line] = body["subscription_promotions"]
    main = next(s for s in result["account_info"]["subscriptions"] if s["type"] == 2)
    assert line["subscription_id"] == main["subscription_id"]
    assert line["promotion_id"] == PROMO_LINE_50
    assert line["promotion_code"] == "NTH_256"
    assert line["promotion_name"] == "MM_50% DTO 12 MESES"
    assert line["promotion_benefit_type"] == {"id": 1, "value": 50.0}
    assert line["promotion_type"] == {"id": 2, "value": "DESCUENTO CON PERMANENCIA"}
    assert isinstance(line["account_bundle_id"], int)
    applied = session.scalars(
        select(AppliedPromotion).where(AppliedPromotion.promotion_id == PROMO_LINE_50)
    ).one()
    assert line["association_date"] == format_timestamp(applied.start_at)
    assert line["end_date"] == format_timestamp(applied.end_at)  # type: ignore[arg-type]
    [scheduled] = body["account_promotions"]
    assert scheduled["promotion_id"] == PROMO_ACCOUNT
    assert scheduled["promotion_name"] == "DTO CLIENTE"
    assert scheduled["promotion_benefit_type"] == {"id": 1, "value": 10.0}
    assert scheduled["promotion_type"] == {"id": 1, "value": "DESCUENTO"}
    [bundle] = body["account_bundle_promotions"]
    assert bundle["promotion_id"] == PROMO_BUNDLE
    assert bundle["account_bundle_id"] == line["account_bundle_id"]
    assert bundle["promotion_benefit_type"] == {"id": 2, "value": 5.0}
    assert bundle["effective_date_end"] is not None
    assert promotions(api, account, filter="active") == body


def test_inactive_filter_shows_ended_promotions(api: ApiCaller, session: Session) -> None:
    account = account_id(convergent(api, 56000002))
    add_account_promotion(session, account, days_from_now=-200)

    active = promotions(api, account)
    inactive = promotions(api, account, filter="inactive")

    assert active["account_promotions"] == []
    [ended] = inactive["account_promotions"]
    assert ended["promotion_id"] == PROMO_ACCOUNT
    assert inactive["subscription_promotions"] == []
    assert inactive["account_bundle_promotions"] == []
    both = api.get(
        f"/accounts/{account}/promotions", params=[("filter", "active"), ("filter", "inactive")]
    ).json()
    assert len(both["account_promotions"]) == 1
    assert len(both["subscription_promotions"]) == 1


@pytest.mark.parametrize("value", ["expired", "INACTIVE", ""])
def test_unknown_filter_is_400(api: ApiCaller, value: str) -> None:
    account = account_id(convergent(api, 56000003))
    response = api.get(f"/accounts/{account}/promotions", params={"filter": value})
    assert response.status_code == 400, response.text
    assert "filter" in response.json()["detailMsg"]
