"""GET subscriptions/{id}/recharge/detail: a prepaid line's balance movements in a period.

The period is a range of calendar days in the org's time zone, both ends included. Without
dates it is the current month up to today; with only ``end_date`` it starts on the first of
that month; with only ``start_date`` it ends today. ``start_date`` after ``end_date`` is a 400.
Only prepaid mobile lines have recharges: any other line is ``NotPrepaid``. Movements are
stored by ``subscriptions.service.record_recharge`` (the back office) and listed oldest first.
"""

from datetime import date, timedelta

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.errors import ValidationFailed
from mascustomers.kit.clock import format_timestamp, start_of_day
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.details import number
from mascustomers.subscriptions.errors import NotPrepaid
from mascustomers.subscriptions.operations import load_line
from mascustomers.subscriptions.schemas import PeriodDate, RechargeDetail, RechargeItem
from mascustomers.subscriptions.states import SubscriptionType


def period(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The asked range, defaulting to the current month (up to today)."""
    last = end or today
    first = start or last.replace(day=1)
    if first > last:
        raise ValidationFailed(
            f"start_date: {first.isoformat()} is after end_date {last.isoformat()}"
        )
    return first, last


def recharge_detail(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    start_date: date | None,
    end_date: date | None,
    tz: str,
) -> RechargeDetail:
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    if line.type_id != SubscriptionType.PREPAID_MOBILE:
        raise NotPrepaid(f"subscriptionId: subscription {line.id} is not a prepaid line")
    first, last = period(start_date, end_date, today=caller.today)
    rows = repository.recharges_between(
        session,
        subscription_id=line.id,
        start=start_of_day(first, tz),
        end=start_of_day(last + timedelta(days=1), tz),
    )
    return RechargeDetail(
        subscription_id=line.id,
        identification_nr=number(line.identification_nr),
        period_date=PeriodDate(start_date=first.isoformat(), end_date=last.isoformat()),
        recharges=[
            RechargeItem(
                recharge_id=row.id,
                date=format_timestamp(row.recharged_at),
                movement_type_id=row.movement_type_id,
                origin_id=row.origin_id,
                amount=row.amount,
            )
            for row in rows
        ],
    )
