"""Test clocks through the API: an integrator moves a sandbox org's time and watches it."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.auth.caller import test_clocks
from mascustomers.billing.cycles import Cycle
from mascustomers.kit.clock import format_timestamp, local_date
from mascustomers.kit.money import prorate
from mascustomers.models import (
    CatalogueProduct,
    Sell,
    SimCard,
    Subscription,
    SubscriptionProduct,
    SubscriptionStatusChange,
)
from mascustomers.scheduler import repository as scheduler_repository
from tests.billing.world import madrid
from tests.bodies import mobile_line, mobile_signup, owner
from tests.catalogue_fixture import BONUS_3GB, MOBILE_ONLY_20GB, MOBILE_ONLY_30GB, sim_iccid
from tests.factories import ApiCaller, make_key, make_org

pytestmark = pytest.mark.usefixtures("catalogue")


def month_after_next() -> Cycle:
    """A month surely ahead of the real date, so the scenario can start there."""
    return Cycle.of(local_date(datetime.now(UTC), "Europe/Madrid")).next().next()


def at(day: date, hour: int = 0) -> datetime:
    return madrid(day.year, day.month, day.day, hour)


def advance(api: ApiCaller, instant: datetime) -> dict[str, object]:
    response = api.post("/ops/clock", json={"advance_to": format_timestamp(instant)})
    assert response.status_code == 200, response.text
    return dict(response.json())


def signup(api: ApiCaller, **line: object) -> tuple[int, int]:
    response = api.post("/signups", json=mobile_signup(person=owner(), line=mobile_line(**line)))
    assert response.status_code == 200, response.text
    info = response.json()["account_info"]
    return int(info["subscriptions"][0]["subscription_id"]), int(info["account_id"])


def price(session: Session, product_id: int) -> Decimal:
    return session.scalars(
        select(CatalogueProduct.monthly_price).where(CatalogueProduct.product_id == product_id)
    ).one()


def fresh(session: Session, subscription_id: int) -> Subscription:
    session.expire_all()
    found = session.get(Subscription, subscription_id)
    assert found is not None
    return found


def test_clock_shows_real_time_until_advanced(api: ApiCaller) -> None:
    body = api.get("/ops/clock").json()
    assert body["sandbox"] is True
    assert body["test_clock"] is False
    shown = datetime.fromisoformat(body["now"])
    assert abs(shown - datetime.now(UTC)) < timedelta(minutes=1)
    target = at(month_after_next().start, 10)
    advanced = advance(api, target)
    assert advanced["now"] == format_timestamp(target)
    # the cycles that closed on the way were billed: nobody to bill yet
    ran = advanced["ran"]
    assert isinstance(ran, list)
    assert {(r["type"], r["invoices"]) for r in ran} == {("billing_run", 0)}
    body = api.get("/ops/clock").json()
    assert (body["test_clock"], body["now"]) == (True, format_timestamp(target))
    assert body["today"] == month_after_next().start.isoformat()


def test_clock_only_moves_forward(api: ApiCaller) -> None:
    target = at(month_after_next().start, 10)
    advance(api, target)
    back = api.post("/ops/clock", json={"advance_to": format_timestamp(target - timedelta(1))})
    assert (back.status_code, back.json()["code"]) == (400, "0101")
    same = api.post("/ops/clock", json={"advance_to": format_timestamp(target)})
    assert same.status_code == 200
    naive = api.post("/ops/clock", json={"advance_to": "2099-01-01T00:00:00"})
    assert (naive.status_code, naive.json()["code"]) == (400, "0102")  # too far in one call
    garbage = api.post("/ops/clock", json={"advance_to": "tomorrow"})
    assert (garbage.status_code, garbage.json()["code"]) == (400, "0001")


def test_only_sandbox_orgs_have_test_clocks(api: ApiCaller, session: Session) -> None:
    make_org(session, slug="live", is_sandbox=False)
    live = ApiCaller(api.client, make_key(session, org_slug="live"), "live")
    response = live.post("/ops/clock", json={"advance_to": "2030-01-01T00:00:00Z"})
    assert (response.status_code, response.json()["code"]) == (400, "0100")
    assert live.get("/ops/clock").json()["sandbox"] is False


def test_a_process_that_did_not_advance_sees_the_stored_time(
    api: ApiCaller, session: Session
) -> None:
    org = auth_repository.get_org_by_slug(session, "telco")
    assert org is not None
    stored = at(month_after_next().start, 12)
    scheduler_repository.store_clock(session, org_id=org.id, instant=stored)
    session.commit()
    test_clocks.forget()  # as in another API process: nothing in memory
    assert api.get("/ops/clock").json()["now"] == format_timestamp(stored)
    subscription_id, _ = signup(api, iccid=sim_iccid(1))
    sell = session.get(Sell, fresh(session, subscription_id).sell_id)
    assert sell is not None
    assert sell.created_at == stored  # requests run at the org's test time


def test_a_scheduled_tariff_change_happens_on_its_date_and_is_billed(
    api: ApiCaller, session: Session
) -> None:
    month = month_after_next()
    advance(api, at(month.start + timedelta(days=4), 10))  # the 5th, 10:00
    subscription_id, account_id = signup(api, iccid=sim_iccid(1))
    change_day = month.start + timedelta(days=14)  # the 15th
    response = api.patch(
        f"/subscriptions/{subscription_id}/products",
        json={"productId": MOBILE_ONLY_30GB, "scheduled_date": change_day.isoformat()},
    )
    assert response.status_code == 201, response.text

    ran = advance(api, at(month.start + timedelta(days=19)))["ran"]
    assert isinstance(ran, list)
    [change] = ran
    assert (change["type"], change["kind"], change["status"]) == (
        "operation",
        "PRODUCT_CHANGE",
        "DONE",
    )
    assert change["ran_at"] == format_timestamp(at(change_day))
    session.expire_all()
    periods = session.scalars(
        select(SubscriptionProduct)
        .where(SubscriptionProduct.subscription_id == subscription_id)
        .order_by(SubscriptionProduct.id)
    ).all()
    assert [(p.product_id, p.ended_at) for p in periods] == [
        (MOBILE_ONLY_20GB, at(change_day)),
        (MOBILE_ONLY_30GB, None),
    ]

    closed = advance(api, at(month.next().start + timedelta(days=1)))["ran"]
    assert isinstance(closed, list)
    [billing] = closed
    assert (billing["type"], billing["cycle"], billing["invoices"]) == (
        "billing_run",
        str(month),
        1,
    )
    assert billing["ran_at"] == format_timestamp(month.closes_at("Europe/Madrid"))
    # the old tariff for the 5th-14th (10 days), the new one from the 15th to the month's end
    old, new = (price(session, p) for p in (MOBILE_ONLY_20GB, MOBILE_ONLY_30GB))
    value = prorate(old, 10, month.days) + prorate(new, month.days - 14, month.days)
    invoices = api.get(f"/accounts/{account_id}/invoices").json()["invoices"]
    assert [(Decimal(str(i["value"])), i["status"]["value"]) for i in invoices] == [
        (value, "PENDIENTE")
    ]
    document = api.get(invoices[0]["path"])
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf"
    assert document.content.startswith(b"%PDF")


def test_a_ported_line_activates_on_its_window_date(api: ApiCaller, session: Session) -> None:
    month = month_after_next()
    advance(api, at(month.start, 10))
    window = month.start + timedelta(days=5)
    subscription_id, _ = signup(
        api,
        msisdn="655123456",
        portability_info={
            "scheduled_date": window.isoformat(),
            "operator_id": "MOVISTAR",
            "donor_line_type": "C",
        },
    )
    assert fresh(session, subscription_id).status_id == 2  # PENDIENTE ALTA

    assert advance(api, at(window) - timedelta(seconds=1))["ran"] == []
    assert fresh(session, subscription_id).status_id == 2

    [activation] = advance(api, at(window, 8))["ran"]  # type: ignore[misc]
    assert (activation["kind"], activation["ran_at"]) == (
        "PORTABILITY_WINDOW",
        format_timestamp(at(window)),
    )
    line = fresh(session, subscription_id)
    assert (line.status_id, line.activated_at) == (3, at(window))
    sim = session.scalars(select(SimCard).where(SimCard.iccid == line.iccid)).one()
    assert sim.status_id == 3  # ACTIVA
    last = session.scalars(
        select(SubscriptionStatusChange)
        .where(SubscriptionStatusChange.subscription_id == subscription_id)
        .order_by(SubscriptionStatusChange.id.desc())
    ).first()
    assert last is not None
    assert (last.status_id, last.modified_by) == (3, "scheduler")


def test_a_bonus_ends_on_its_date(api: ApiCaller) -> None:
    month = month_after_next()
    advance(api, at(month.start, 10))
    subscription_id, _ = signup(api, iccid=sim_iccid(1), bonuses=[{"id": BONUS_3GB}])
    end = month.start + timedelta(days=3)
    removed = api.delete(
        f"/subscriptions/{subscription_id}/bonuses/{BONUS_3GB}",
        params={"scheduled_date": end.isoformat()},
    )
    assert removed.status_code == 202, removed.text
    bonuses = f"/subscriptions/{subscription_id}/bonuses"
    assert [b["id"] for b in api.get(bonuses).json()["items"]] == [BONUS_3GB]

    advance(api, at(end) - timedelta(seconds=1))
    assert [b["id"] for b in api.get(bonuses).json()["items"]] == [BONUS_3GB]
    advance(api, at(end))
    assert api.get(bonuses).json()["items"] == []
    inactive = api.get(bonuses, params={"filter": "inactive"}).json()["items"]
    assert [(b["id"], b["end_date"]) for b in inactive] == [(BONUS_3GB, format_timestamp(at(end)))]
