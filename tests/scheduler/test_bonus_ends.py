"""Bonus ends through the API on a sandbox org's test clock (``POST ops/clock``).

A bonus of limited duration gets its end when it is added and the scheduler ends it then,
once; removals move or cancel that end; nothing is ever deleted and every bonus is listed by
exactly one of ``actual`` and ``inactive``.
"""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import format_timestamp
from mascustomers.models import ScheduledOperation, SubscriptionBonus
from tests.catalogue_fixture import BONUS_3GB, BONUS_CALLS, BONUS_DAY, sim_iccid
from tests.factories import ApiCaller
from tests.scheduler.test_clock_api import advance, at, month_after_next, signup
from tests.subscriptions.test_bonuses import madrid_days_later

pytestmark = pytest.mark.usefixtures("catalogue")


def listed(api: ApiCaller, subscription_id: int, query: str = "") -> list[tuple[int, str, Any]]:
    """(bonus id, start_date, end_date) of the listed items."""
    response = api.get(f"/subscriptions/{subscription_id}/bonuses{query}")
    assert response.status_code == 200, response.text
    return [(i["id"], i["start_date"], i["end_date"]) for i in response.json()["items"]]


def add(api: ApiCaller, subscription_id: int, bonus_id: int, **body: Any) -> None:
    response = api.put(
        f"/subscriptions/{subscription_id}/bonuses", json={"bonusId": bonus_id, **body}
    )
    assert response.status_code == 201, response.text


def remove(api: ApiCaller, subscription_id: int, bonus_id: int, **params: Any) -> None:
    response = api.delete(f"/subscriptions/{subscription_id}/bonuses/{bonus_id}", params=params)
    assert response.status_code == 202, response.text


def ended(ran: object) -> list[tuple[str, str, str]]:
    """(kind, status, ran_at) of the operations an advance ran."""
    assert isinstance(ran, list)
    return [(r["kind"], r["status"], r["ran_at"]) for r in ran if r["type"] == "operation"]


def rows(session: Session, subscription_id: int) -> list[SubscriptionBonus]:
    session.expire_all()
    return list(
        session.scalars(
            select(SubscriptionBonus)
            .where(SubscriptionBonus.subscription_id == subscription_id)
            .order_by(SubscriptionBonus.id)
        )
    )


def end_operations(session: Session, subscription_id: int) -> list[ScheduledOperation]:
    session.expire_all()
    return list(
        session.scalars(
            select(ScheduledOperation)
            .where(
                ScheduledOperation.subscription_id == subscription_id,
                ScheduledOperation.kind == "BONUS_END",
            )
            .order_by(ScheduledOperation.id)
        )
    )


def ts(instant: datetime) -> str:
    return format_timestamp(instant)


def test_limited_bonuses_end_after_their_duration(api: ApiCaller, session: Session) -> None:
    month = month_after_next()
    start = at(month.start + timedelta(days=2), 15)  # the 3rd, 15:00 in Madrid
    advance(api, start)
    subscription_id, _ = signup(api, iccid=sim_iccid(1), bonuses=[{"id": BONUS_3GB}])
    add(api, subscription_id, BONUS_DAY)
    add(api, subscription_id, BONUS_CALLS)
    day_end, month_end = madrid_days_later(start, 1), madrid_days_later(start, 30)
    assert listed(api, subscription_id, "?filter=active") == [
        (BONUS_3GB, ts(start), ts(month_end)),
        (BONUS_DAY, ts(start), ts(day_end)),
        (BONUS_CALLS, ts(start), None),  # renews monthly until removed
    ]

    ran = advance(api, start + timedelta(days=40))["ran"]
    assert ended(ran) == [
        ("BONUS_END", "DONE", ts(day_end)),
        ("BONUS_END", "DONE", ts(month_end)),
    ]
    assert listed(api, subscription_id, "?filter=active") == [(BONUS_CALLS, ts(start), None)]
    assert listed(api, subscription_id, "?filter=inactive") == [
        (BONUS_3GB, ts(start), ts(month_end)),
        (BONUS_DAY, ts(start), ts(day_end)),
    ]
    by_bonus = {row.bonus_id: row.ended_by for row in rows(session, subscription_id)}
    assert by_bonus == {BONUS_3GB: "scheduler", BONUS_DAY: "scheduler", BONUS_CALLS: None}
    # Ended once: nothing is left to run.
    assert ended(advance(api, start + timedelta(days=80))["ran"]) == []
    assert [op.attempts for op in end_operations(session, subscription_id)] == [1, 1]


def test_a_scheduled_bonus_ends_its_duration_after_it_starts(api: ApiCaller) -> None:
    month = month_after_next()
    advance(api, at(month.start, 10))
    subscription_id, _ = signup(api, iccid=sim_iccid(1))
    day = month.start + timedelta(days=9)
    add(api, subscription_id, BONUS_DAY, scheduled_date=day.isoformat())
    start, end = at(day), at(day + timedelta(days=1))  # 00:00 to 00:00 in Madrid
    assert listed(api, subscription_id, "?filter=actual") == [(BONUS_DAY, ts(start), ts(end))]
    assert listed(api, subscription_id, "?filter=active") == []

    advance(api, start + timedelta(hours=12))
    assert listed(api, subscription_id, "?filter=active") == [(BONUS_DAY, ts(start), ts(end))]
    ran = advance(api, end + timedelta(hours=1))["ran"]
    assert ended(ran) == [("BONUS_END", "DONE", ts(end))]
    assert listed(api, subscription_id) == []
    assert listed(api, subscription_id, "?filter=inactive") == [(BONUS_DAY, ts(start), ts(end))]


def test_a_removal_at_a_date_moves_the_end_and_one_now_cancels_it(
    api: ApiCaller, session: Session
) -> None:
    month = month_after_next()
    start = at(month.start, 10)
    advance(api, start)
    subscription_id, _ = signup(api, iccid=sim_iccid(1), bonuses=[{"id": BONUS_3GB}])
    add(api, subscription_id, BONUS_DAY)
    earlier = month.start + timedelta(days=5)
    remove(api, subscription_id, BONUS_3GB, scheduled_date=earlier.isoformat())
    remove(api, subscription_id, BONUS_DAY)
    assert [(op.status, op.due_at) for op in end_operations(session, subscription_id)] == [
        ("PENDING", at(earlier)),
        ("CANCELLED", madrid_days_later(start, 1)),
    ]

    ran = advance(api, start + timedelta(days=40))["ran"]
    assert ended(ran) == [("BONUS_END", "DONE", ts(at(earlier)))]
    assert listed(api, subscription_id, "?filter=inactive") == [
        (BONUS_3GB, ts(start), ts(at(earlier))),
        (BONUS_DAY, ts(start), ts(start)),  # removed at the instant it was added
    ]
    assert [(row.bonus_id, row.ended_by) for row in rows(session, subscription_id)] == [
        (BONUS_3GB, "scheduler"),
        (BONUS_DAY, "test-key"),
    ]


def test_added_and_removed_at_the_same_instant_is_inactive(
    api: ApiCaller, session: Session
) -> None:
    """Under a frozen test clock the removal happens at the very instant of the addition."""
    month = month_after_next()
    now = at(month.start, 10)
    advance(api, now)
    subscription_id, _ = signup(api, iccid=sim_iccid(1))
    for bonus_id in (BONUS_CALLS, BONUS_3GB):
        add(api, subscription_id, bonus_id)
        remove(api, subscription_id, bonus_id)
    for query in ("", "?filter=active", "?filter=actual"):
        assert listed(api, subscription_id, query) == []
    zero_length = [(BONUS_CALLS, ts(now), ts(now)), (BONUS_3GB, ts(now), ts(now))]
    assert listed(api, subscription_id, "?filter=inactive") == zero_length
    assert listed(api, subscription_id, "?filter=actual,inactive") == zero_length
    # Still there (and still inactive) once time moves on; nothing left to end.
    assert ended(advance(api, now + timedelta(days=40))["ran"]) == []
    assert listed(api, subscription_id, "?filter=inactive") == zero_length
    assert len(rows(session, subscription_id)) == 2


def test_every_bonus_is_in_exactly_the_filters_it_should_be(api: ApiCaller) -> None:
    """active ⊆ actual; actual and inactive split every bonus the line ever had."""
    month = month_after_next()
    advance(api, at(month.start, 10))
    subscription_id, _ = signup(api, iccid=sim_iccid(1), bonuses=[{"id": BONUS_3GB}])
    add(api, subscription_id, BONUS_DAY)  # ends tomorrow
    add(api, subscription_id, BONUS_CALLS)
    remove(api, subscription_id, BONUS_CALLS)  # zero length
    later = (month.start + timedelta(days=20)).isoformat()
    add(api, subscription_id, BONUS_CALLS, scheduled_date=later)  # scheduled
    advance(api, at(month.start + timedelta(days=2), 10))  # BONUS_DAY has ended

    every = listed(api, subscription_id, "?filter=actual,inactive")
    active = listed(api, subscription_id, "?filter=active")
    actual = listed(api, subscription_id, "?filter=actual")
    inactive = listed(api, subscription_id, "?filter=inactive")
    assert len(every) == 4
    assert sorted(actual + inactive) == sorted(every)
    assert not set(actual) & set(inactive)
    assert set(active) <= set(actual)
    assert listed(api, subscription_id) == actual  # the default
    assert [b for b, _, _ in active] == [BONUS_3GB]
    assert sorted(b for b, _, _ in actual) == sorted([BONUS_3GB, BONUS_CALLS])
    assert sorted(b for b, _, _ in inactive) == sorted([BONUS_DAY, BONUS_CALLS])
