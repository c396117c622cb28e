"""GET, PUT and DELETE subscriptions/{id}/bonuses: filters, scheduling, duplicates, removal."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import today
from mascustomers.models import ScheduledOperation, SubscriptionBonus
from tests.catalogue_fixture import BONUS_3GB, BONUS_CALLS, BONUS_DAY
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import convergent, mobile

pytestmark = pytest.mark.usefixtures("catalogue")
MADRID = ZoneInfo("Europe/Madrid")


def in_days(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def ids(api: ApiCaller, subscription_id: int, query: str = "") -> list[tuple[int, bool]]:
    """(bonus id, has an end date) of the listed items."""
    response = api.get(f"/subscriptions/{subscription_id}/bonuses{query}")
    assert response.status_code == 200, response.text
    return [(i["id"], i["end_date"] is not None) for i in response.json()["items"]]


def items(api: ApiCaller, subscription_id: int, query: str = "") -> list[dict[str, object]]:
    response = api.get(f"/subscriptions/{subscription_id}/bonuses{query}")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def parse(timestamp: object) -> datetime:
    assert isinstance(timestamp, str)
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def madrid_days_later(start: datetime, days: int) -> datetime:
    """The same Madrid wall-clock time ``days`` later (the expectation, computed here)."""
    local = start.astimezone(MADRID)
    later = datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=MADRID)
    return later.astimezone(UTC)


def madrid_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=MADRID).astimezone(UTC)


def bonus_ends(session: Session, subscription_id: int) -> list[tuple[str, datetime]]:
    """(status, due) of the line's BONUS_END operations."""
    session.expire_all()
    return [
        (op.status, op.due_at)
        for op in session.scalars(
            select(ScheduledOperation)
            .where(
                ScheduledOperation.subscription_id == subscription_id,
                ScheduledOperation.kind == "BONUS_END",
            )
            .order_by(ScheduledOperation.id)
        )
    ]


def test_signup_bonus_is_listed_with_its_end(api: ApiCaller, session: Session) -> None:
    lines = convergent(api)
    body = api.get(f"/subscriptions/{lines['main']}/bonuses").json()
    assert body["id"] == lines["main"]
    [item] = body["items"]
    assert item["id"] == BONUS_3GB
    assert item["value"] == "INTERNET 3GB TPILI"
    assert item["start_date"].endswith("Z")
    # 30 days of the catalogue, ended by the scheduler then
    end = madrid_days_later(parse(item["start_date"]), 30)
    assert item["end_date"] == end.strftime("%Y-%m-%dT%H:%M:%SZ")
    [(status, due)] = bonus_ends(session, lines["main"])
    assert (status, due.replace(microsecond=0)) == ("PENDING", end)


def test_add_now_remove_now(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    added = api.put(url, json={"bonusId": BONUS_CALLS})
    assert added.status_code == 201, added.text
    assert ids(api, subscription_id, "?filter=active") == [(BONUS_CALLS, False)]  # renews
    assert bonus_ends(session, subscription_id) == []
    removed = api.delete(f"{url}/{BONUS_CALLS}")
    assert removed.status_code == 202, removed.text
    assert ids(api, subscription_id) == []
    assert ids(api, subscription_id, "?filter=inactive") == [(BONUS_CALLS, True)]
    assert api.put(url, json={"bonusId": BONUS_CALLS}).status_code == 201  # can come back


def test_removing_a_limited_bonus_now_cancels_its_end(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    assert api.put(url, json={"bonusId": BONUS_3GB}).status_code == 201
    [(status, due)] = bonus_ends(session, subscription_id)
    assert status == "PENDING"
    assert api.delete(f"{url}/{BONUS_3GB}").status_code == 202
    [ended] = items(api, subscription_id, "?filter=inactive")
    assert parse(ended["end_date"]) < due
    assert bonus_ends(session, subscription_id) == [("CANCELLED", due)]
    row = session.scalars(
        select(SubscriptionBonus).where(SubscriptionBonus.subscription_id == subscription_id)
    ).one()
    assert row.ended_by == "test-key"


def test_scheduled_bonus_and_filters(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    response = api.put(url, json={"bonusId": BONUS_3GB, "scheduled_date": in_days(7)})
    assert response.status_code == 201, response.text
    [item] = items(api, subscription_id)  # default: active and scheduled
    start = madrid_midnight(today() + timedelta(days=7))
    assert parse(item["start_date"]) == start
    assert parse(item["end_date"]) == madrid_midnight(today() + timedelta(days=37))
    assert ids(api, subscription_id, "?filter=actual") == [(BONUS_3GB, True)]
    assert ids(api, subscription_id, "?filter=active") == []  # without scheduled
    assert ids(api, subscription_id, "?filter=inactive") == []
    assert ids(api, subscription_id, "?filter=active,inactive") == []
    # Cancelled before it starts, it never takes effect: inactive, zero length, kept.
    assert api.delete(f"{url}/{BONUS_3GB}").status_code == 202
    assert ids(api, subscription_id, "?filter=actual") == []
    [cancelled] = items(api, subscription_id, "?filter=inactive")
    assert parse(cancelled["start_date"]) == parse(cancelled["end_date"]) == start
    assert [status for status, _ in bonus_ends(session, subscription_id)] == ["CANCELLED"]
    # … and does not stand in the way of adding it again, even earlier.
    again = api.put(url, json={"bonusId": BONUS_3GB, "scheduled_date": in_days(3)})
    assert again.status_code == 201, again.text
    assert ids(api, subscription_id, "?filter=actual&filter=inactive") == [
        (BONUS_3GB, True),
        (BONUS_3GB, True),
    ]


def test_scheduled_end(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    assert api.put(url, json={"bonusId": BONUS_3GB}).status_code == 201
    response = api.delete(f"{url}/{BONUS_3GB}?scheduled_date={in_days(3)}")
    assert response.status_code == 202, response.text
    [item] = items(api, subscription_id, "?filter=active")
    end = madrid_midnight(today() + timedelta(days=3))
    assert parse(item["end_date"]) == end
    # Its one BONUS_END moved to the new end.
    assert bonus_ends(session, subscription_id) == [("PENDING", end)]
    # A later removal date does not postpone it.
    later = api.delete(f"{url}/{BONUS_3GB}?scheduled_date={in_days(10)}")
    assert later.status_code == 202, later.text
    assert parse(items(api, subscription_id)[0]["end_date"]) == end
    assert bonus_ends(session, subscription_id) == [("PENDING", end)]
    # It may be added again from the day it ends.
    again = api.put(url, json={"bonusId": BONUS_3GB, "scheduled_date": in_days(3)})
    assert again.status_code == 201, again.text
    rows = session.scalars(
        select(SubscriptionBonus).where(SubscriptionBonus.subscription_id == subscription_id)
    ).all()
    assert len(rows) == 2


def test_periods_of_one_bonus_may_follow_but_not_overlap(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/bonuses"
    later = api.put(url, json={"bonusId": BONUS_DAY, "scheduled_date": in_days(10)})
    assert later.status_code == 201, later.text
    # Today's ends tomorrow and the day before's at 00:00 of day 10: before the scheduled one.
    assert api.put(url, json={"bonusId": BONUS_DAY}).status_code == 201
    day_before = api.put(url, json={"bonusId": BONUS_DAY, "scheduled_date": in_days(9)})
    assert day_before.status_code == 201, day_before.text
    overlapping = api.put(url, json={"bonusId": BONUS_DAY, "scheduled_date": in_days(10)})
    assert (overlapping.status_code, overlapping.json()["code"]) == (400, "0065")
    starts = [parse(i["start_date"]) for i in items(api, subscription_id, "?filter=actual")]
    assert starts[1:] == [madrid_midnight(today() + timedelta(days=d)) for d in (9, 10)]
    # An open-ended bonus overlaps whatever of it is scheduled.
    assert (
        api.put(url, json={"bonusId": BONUS_CALLS, "scheduled_date": in_days(5)}).status_code == 201
    )
    now = api.put(url, json={"bonusId": BONUS_CALLS})
    assert (now.status_code, now.json()["code"]) == (400, "0065")


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
    assert ids(api, subscription_id) == [(BONUS_3GB, True)]


def test_bad_filter_is_400(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    assert api.get(f"/subscriptions/{subscription_id}/bonuses?filter=scheduled").status_code == 400
