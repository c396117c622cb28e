"""Bonuses (free-unit packages) on a line: list, add (now or from a date), end (now or at a date).

A bonus row is in effect from ``start_at`` until ``end_at`` (open when null). At a given
instant a row is *active* (started, not ended), *scheduled* (starts later) or *inactive*
(ended). ``GET`` answers active and scheduled rows by default; ``filter`` (repeatable or
comma-separated) picks instead, and several filters add up:

- ``active``: active rows only, without the scheduled ones (the reference's "active (without
  scheduled)");
- ``actual``: the current set, active plus scheduled — the default, named so that it can be
  combined with ``inactive`` to see everything;
- ``inactive``: ended rows.

``PUT`` adds a catalogue bonus compatible with the line's current product (``bonus_for``);
with ``scheduled_date`` it starts at the start of that day (org time zone, after today). A
bonus whose period would overlap a row of the same bonus that is active or scheduled is refused
(``BonusAlreadyPresent``). ``DELETE`` ends the active or scheduled row of that bonus now, or at
the start of ``scheduled_date``; a row that would end before it starts is removed (it never
was in effect). A bonus the line does not have (active or scheduled) is a 404.
"""

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.db.prepared import AnyRow
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import SubscriptionBonus
from mascustomers.subscriptions import queries, repository
from mascustomers.subscriptions.errors import BonusAlreadyPresent
from mascustomers.subscriptions.operations import (
    load_line,
    require_changeable,
    require_future,
    start_of_day,
)
from mascustomers.subscriptions.schemas import BonusItem, SubscriptionBonuses

BONUS_FILTERS = ("active", "actual", "inactive")


def parse_filters(values: Iterable[str]) -> frozenset[str]:
    names = {part.strip() for value in values for part in value.split(",") if part.strip()}
    unknown = sorted(names - set(BONUS_FILTERS))
    if unknown:
        raise ValidationFailed(
            f"filter: unknown value {', '.join(unknown)}; use {', '.join(BONUS_FILTERS)}"
        )
    return frozenset(names) or frozenset({"actual"})


def state_at(row: AnyRow, instant: datetime) -> str:
    if row.end_at is not None and row.end_at <= instant:
        return "inactive"
    return "scheduled" if row.start_at > instant else "active"


_SHOWN = {
    "active": {"active"},
    "actual": {"active", "scheduled"},
    "inactive": {"inactive"},
}


def bonuses_view(
    session: Session, *, caller: Caller, subscription_id: int, filters: frozenset[str]
) -> SubscriptionBonuses:
    rows = queries.line_bonuses(session, org_id=caller.org_id, subscription_id=subscription_id)
    if not rows:
        raise NotFound(f"subscription {subscription_id} not found")
    shown = set().union(*(_SHOWN[name] for name in filters))
    items = [
        BonusItem(
            id=row.bonus_id,
            value=row.name,
            start_date=format_timestamp(row.start_at),
            end_date=format_timestamp(row.end_at) if row.end_at else None,
        )
        # A line without bonuses comes back as one row without a bonus.
        for row in rows
        if row.bonus_id is not None and state_at(row, caller.now) in shown
    ]
    return SubscriptionBonuses(id=rows[0].id, items=items)


def add_bonus(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    bonus_id: int,
    scheduled_date: date | None,
    tz: str,
) -> None:
    line = load_line(session, caller=caller, subscription_id=subscription_id, lock=True)
    require_changeable(line)
    bonus = catalog_service.bonus_for(
        session,
        org_id=line.org_id,
        bonus_id=bonus_id,
        product_id=line.product_id,
        field="bonusId",
    )
    start = caller.now
    if scheduled_date is not None:
        require_future(scheduled_date, today=caller.today, field="scheduled_date")
        start = start_of_day(scheduled_date, tz)
    if repository.bonus_rows_open_after(
        session, subscription_id=line.id, bonus_id=bonus.bonus_id, instant=start
    ):
        raise BonusAlreadyPresent(
            f"bonusId: bonus {bonus_id} is already active or scheduled on subscription {line.id}",
            bonus_id=bonus_id,
        )
    session.add(
        SubscriptionBonus(
            subscription_id=line.id,
            bonus_id=bonus.bonus_id,
            start_at=start,
            end_at=None,
            created_at=caller.now,
        )
    )
    session.flush()


def remove_bonus(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    bonus_id: int,
    scheduled_date: date | None,
    tz: str,
) -> None:
    line = load_line(session, caller=caller, subscription_id=subscription_id, lock=True)
    rows = repository.bonus_rows_open_after(
        session, subscription_id=line.id, bonus_id=bonus_id, instant=caller.now
    )
    if not rows:
        raise NotFound(f"bonus {bonus_id} is not active or scheduled on subscription {line.id}")
    require_changeable(line)
    end = caller.now
    if scheduled_date is not None:
        require_future(scheduled_date, today=caller.today, field="scheduled_date")
        end = start_of_day(scheduled_date, tz)
    for row in rows:
        if row.start_at >= end:
            session.delete(row)
        else:
            row.end_at = end
    session.flush()
