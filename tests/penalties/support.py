"""What the penalty, work-order and back-office tests share: org time and orders by API."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import clear_org_time, set_org_time
from mascustomers.models import Msisdn, SimCard, Subscription, WorkOrder
from tests.bodies import convergent_signup
from tests.factories import ApiCaller

# 10:00 UTC is 11:00 or 12:00 in Madrid: the same calendar day in the org.
START_DAY = date(2026, 1, 15)


class OrgTime:
    """The org's test clock: every request of the org sees this instant."""

    def __init__(self, org: str) -> None:
        self.org = org
        self.on(START_DAY)

    def on(self, day: date) -> datetime:
        self.now = datetime.combine(day, time(10, 0), tzinfo=UTC)
        set_org_time(self.org, self.now)
        return self.now

    @property
    def today(self) -> date:
        return self.now.date()


def frozen_org_time(org: str) -> Iterator[OrgTime]:
    clock = OrgTime(org)
    try:
        yield clock
    finally:
        clear_org_time(org)


def post_signup(api: ApiCaller, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = api.post("/signups", json=body)
    assert response.status_code == status, response.text
    return dict(response.json())


def convergent_with_device(api: ApiCaller, **kwargs: Any) -> dict[str, Any]:
    """Fibre + landline + 2 mobile lines (the main one with a financed iPhone) + TV + Netflix."""
    kwargs.setdefault("scoring", {"scoring_value": 800, "credit_limit_available": "2000"})
    return post_signup(api, convergent_signup(devices=True, **kwargs))


def line_ids(signup: dict[str, Any], type_id: int) -> list[int]:
    return [
        s["subscription_id"]
        for s in signup["account_info"]["subscriptions"]
        if s["type"] == type_id
    ]


def main_line(signup: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in signup["account_info"]["subscriptions"] if s["subscription_terminal_id"])


def line(session: Session, subscription_id: int) -> Subscription:
    session.expire_all()
    found = session.get(Subscription, subscription_id)
    assert found is not None
    return found


def work_order(session: Session, number: str) -> WorkOrder:
    session.expire_all()
    return session.scalars(select(WorkOrder).where(WorkOrder.work_order_id == number)).one()


def number(session: Session, msisdn: str) -> Msisdn | None:
    return session.scalars(select(Msisdn).where(Msisdn.msisdn == msisdn)).one_or_none()


def sim(session: Session, iccid: str) -> SimCard:
    return session.scalars(select(SimCard).where(SimCard.iccid == iccid)).one()
