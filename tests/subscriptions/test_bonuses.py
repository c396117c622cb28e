"""GET, PUT and DELETE subscriptions/{id}/bonuses: filters, scheduling, duplicates, removal."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import today
from mascustomers.models import SubscriptionBonus
from tests.catalogue_fixture import BONUS_3GB
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import convergent, mobile

pytestmark = pytest.mark.usefixtures("catalogue")


def in_days(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def ids(api: ApiCaller, subscription_id: int, query: str = "") -> list[tuple[int, bool]]:
    """(bonus id, has an end date) of the listed items."""
    response = api.get(f"/subscriptions/{subscription_id}/bonuses{query}")
    assert response.status_code == 200, response.text
    return [(i["id"], i["end_date"] is not None) for i in response.json()["items"]]


def test_signup_bonus_is_listed(api: ApiCaller) -> None:
    lines = convergent(api)
    body = api.get(f"/subscriptions/{lines['main']}/bonuses").json()
    assert body["id"] == lines["main"]
    [item] = body["items"]
    assert item["id"] == BONUS_3GB
    assert item["value"] == "INTERNET 3GB TPILI"
    assert item["start_date"].endswith("Z")
    assert item["end_date"] is None


def test_add_now_remove_now(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    added = api.put(url, json={"bonusId": BONUS_3GB})
    assert added.status_code == 201, added.text
    assert ids(api, subscription_id, "?filter=active") == [(BONUS_3GB, False)]
    removed = api.delete(f"{url}/{BONUS_3GB}")
    assert removed.status_code == 202, removed.text
    assert ids(api, subscription_id) == []
    assert ids(api, subscription_id, "?filter=inactive") == [(BONUS_3GB, True)]
    assert api.put(url, json={"bonusId": BONUS_3GB}).status_code == 201  # can come back


def test_scheduled_bonus_and_filters(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    response = api.put(url, json={"bonusId": BONUS_3GB, "scheduled_date": in_days(7)})
    assert response.status_code == 201, response.text
    assert ids(api, subscription_id) == [(BONUS_3GB, False)]  # default: active and scheduled
    assert ids(api, subscription_id, "?filter=actual") == [(BONUS_3GB, False)]
    assert ids(api, subscription_id, "?filter=active") == []  # without scheduled
    assert ids(api, subscription_id, "?filter=inactive") == []
    assert ids(api, subscription_id, "?filter=active,inactive") == []
    # Cancelling a bonus that has not started removes it.
    assert api.delete(f"{url}/{BONUS_3GB}").status_code == 202
    assert ids(api, subscription_id, "?filter=actual&filter=inactive") == []


def test_scheduled_end(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    assert api.put(url, json={"bonusId": BONUS_3GB}).status_code == 201
    response = api.delete(f"{url}/{BONUS_3GB}?scheduled_date={in_days(3)}")
    assert response.status_code == 202, response.text
    assert ids(api, subscription_id, "?filter=active") == [(BONUS_3GB, True)]
    # It may be added again from the day it ends.
    again = api.put(url, json={"bonusId": BONUS_3GB, "scheduled_date": in_days(3)})
    assert again.status_code == 201, again.text
    rows = session.scalars(
        select(SubscriptionBonus).where(SubscriptionBonus.subscription_id == subscription_id)
    ).all()
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"bonusId": BONUS_3GB}, "0065"),  # already active
        ({"bonusId": BONUS_3GB, "scheduled_date": in_days(5)}, "0065"),  # overlaps
        ({"bonusId": 999}, "0020"),  # not in the catalogue
        ({"bonusId": BONUS_3GB, "scheduled_date": "2020-01-01"}, "0063"),
        ({"bonusid": BONUS_3GB}, "0001"),
    ],
)
def test_add_refusals_write_nothing(
    api: ApiCaller, session: Session, body: dict[str, object], code: str
) -> None:
    subscription_id = mobile(api)
    assert (
        api.put(
            f"/subscriptions/{subscription_id}/bonuses", json={"bonusId": BONUS_3GB}
        ).status_code
        == 201
    )
    before = row_counts(session)
    response = api.put(f"/subscriptions/{subscription_id}/bonuses", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert row_counts(session) == before


def test_incompatible_with_the_product(api: ApiCaller, session: Session) -> None:
    lines = convergent(api)  # the additional line's product is not among the bonus's
    before = row_counts(session)
    response = api.put(f"/subscriptions/{lines['additional']}/bonuses", json={"bonusId": BONUS_3GB})
    assert response.status_code == 400
    assert response.json()["code"] == "0020"
    assert row_counts(session) == before


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        (f"/{BONUS_3GB}", 404, "0005"),  # the line does not have it
        (f"/{BONUS_3GB}?scheduled_date=2020-01-01", 404, "0005"),
        ("/abc", 400, "0001"),
    ],
)
def test_remove_refusals_write_nothing(
    api: ApiCaller, session: Session, path: str, status: int, code: str
) -> None:
    subscription_id = mobile(api)
    before = row_counts(session)
    response = api.delete(f"/subscriptions/{subscription_id}/bonuses{path}")
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert row_counts(session) == before


def test_remove_in_the_past_is_refused(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    assert api.put(url, json={"bonusId": BONUS_3GB}).status_code == 201
    before = row_counts(session)
    response = api.delete(f"{url}/{BONUS_3GB}?scheduled_date=2020-01-01")
    assert response.status_code == 400
    assert response.json()["code"] == "0063"
    assert row_counts(session) == before
    assert ids(api, subscription_id) == [(BONUS_3GB, False)]


def test_bad_filter_is_400(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    assert api.get(f"/subscriptions/{subscription_id}/bonuses?filter=scheduled").status_code == 400
