"""GET subscriptions/{id}/recharge/detail and record_recharge (the back office's entry point)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from mascustomers.catalog.errors import UnknownMasterData
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import today
from mascustomers.models import Recharge
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.errors import NotPrepaid
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import count, line, mobile, prepaid

pytestmark = pytest.mark.usefixtures("catalogue")
MADRID = ZoneInfo("Europe/Madrid")


def record(session: Session, subscription_id: int, when: datetime, amount: str = "10.00") -> int:
    recharge = subscriptions_service.record_recharge(
        session,
        org_id=line(session, subscription_id).org_id,
        subscription_id=subscription_id,
        amount=Decimal(amount),
        movement_type_id=1,
        origin_id=3,
        recharged_at=when,
    )
    session.commit()
    return recharge.id


def test_current_month_by_default(api: ApiCaller, session: Session) -> None:
    subscription_id = prepaid(api)
    now = datetime.now(UTC)
    first_of_month = datetime.combine(today().replace(day=1), datetime.min.time(), MADRID)
    inside = record(session, subscription_id, now, "15.50")
    record(session, subscription_id, first_of_month - timedelta(minutes=1))  # last month
    response = api.get(f"/subscriptions/{subscription_id}/recharge/detail")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["subscription_id"] == subscription_id
    assert isinstance(body["identification_nr"], int)
    assert body["period_date"] == {
        "start_date": today().replace(day=1).isoformat(),
        "end_date": today().isoformat(),
    }
    assert body["recharges"] == [
        {
            "recharge_id": inside,
            "date": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "movement_type_id": 1,
            "origin_id": 3,
            "amount": 15.5,
        }
    ]


def test_explicit_period_in_the_org_time_zone(api: ApiCaller, session: Session) -> None:
    subscription_id = prepaid(api)
    # 23:30 on 31 May in Madrid is 21:30 UTC: a May recharge, not a June one.
    late_may = datetime(2026, 5, 31, 23, 30, tzinfo=MADRID)
    early_june = datetime(2026, 6, 1, 0, 30, tzinfo=MADRID)
    may_id = record(session, subscription_id, late_may)
    june_id = record(session, subscription_id, early_june, "-5.00")
    url = f"/subscriptions/{subscription_id}/recharge/detail"
    may = api.get(f"{url}?start_date=2026-05-01&end_date=2026-05-31").json()
    assert [r["recharge_id"] for r in may["recharges"]] == [may_id]
    both = api.get(f"{url}?start_date=2026-05-31&end_date=2026-06-01").json()
    assert [(r["recharge_id"], r["amount"]) for r in both["recharges"]] == [
        (may_id, 10.0),
        (june_id, -5.0),
    ]
    june = api.get(f"{url}?end_date=2026-06-30").json()
    assert june["period_date"] == {"start_date": "2026-06-01", "end_date": "2026-06-30"}


@pytest.mark.parametrize(
    "query", ["?start_date=2026-06-02&end_date=2026-06-01", "?start_date=01-06-2026"]
)
def test_bad_period_is_400(api: ApiCaller, query: str) -> None:
    subscription_id = prepaid(api)
    response = api.get(f"/subscriptions/{subscription_id}/recharge/detail{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "0001"


def test_postpaid_line_is_refused(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    response = api.get(f"/subscriptions/{subscription_id}/recharge/detail")
    assert response.status_code == 400
    assert response.json()["code"] == "0070"
    before = row_counts(session)
    with pytest.raises(NotPrepaid):
        record(session, subscription_id, datetime.now(UTC))
    assert row_counts(session) == before


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"movement_type_id": 99}, UnknownMasterData),
        ({"origin_id": 99}, UnknownMasterData),
        ({"amount": Decimal("0")}, ValidationFailed),
        ({"subscription_id": 987654}, NotFound),
    ],
)
def test_record_recharge_refusals(
    api: ApiCaller, session: Session, changes: dict[str, object], error: type[Exception]
) -> None:
    subscription_id = prepaid(api)
    arguments: dict[str, object] = {
        "org_id": line(session, subscription_id).org_id,
        "subscription_id": subscription_id,
        "amount": Decimal("5"),
        "movement_type_id": 1,
        "origin_id": 1,
        "recharged_at": datetime.now(UTC),
    }
    arguments.update(changes)
    with pytest.raises(error):
        subscriptions_service.record_recharge(session, **arguments)  # type: ignore[arg-type]
    assert count(session, Recharge) == 0


def test_needs_the_consumption_permission(api: ApiCaller, session: Session) -> None:
    from mascustomers.auth.permissions import Permission
    from tests.factories import make_key

    key = make_key(session, permissions=frozenset(Permission) - {Permission.CONSUMPTION})
    response = ApiCaller(api.client, key, "telco").get("/subscriptions/1/recharge/detail")
    assert response.status_code == 403
