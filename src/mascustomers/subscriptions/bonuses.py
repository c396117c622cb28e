"""Bonuses (free-unit packages) on a line: list, add (now or from a date), end (now or at a date).

A bonus row is in effect from ``start_at`` until ``end_at`` (open when null); at any instant
it is *active*, *scheduled* or *inactive* (``bonus_periods.state_at``; a zero-length row is
inactive). ``GET`` answers active and scheduled rows by default; ``filter`` (repeatable or
comma-separated) picks instead, and several filters add up:

- ``active``: active rows only, without the scheduled ones (the reference's "active (without
  scheduled)");
- ``actual``: the current set, active plus scheduled — the default, named so that it can be
  combined with ``inactive`` to see everything;
- ``inactive``: ended rows, and rows removed before they took effect.

So every row the line ever had is listed by exactly one of ``actual`` and ``inactive``; rows
are never deleted.

``PUT`` adds a catalogue bonus compatible with the line's current product (``bonus_for``);
with ``scheduled_date`` it starts at the start of that day (org time zone, after today). Its
end is set at once from the catalogue's ``duration_days`` (``bonus_periods.end_after``) and
carried out by a ``BONUS_END`` scheduled operation. A bonus whose period would overlap a row of
the same bonus that is active or scheduled is refused (``BonusAlreadyPresent``); one that ends
before a scheduled row of it starts is not.

``DELETE`` ends the active or scheduled row of that bonus now, or at the start of
``scheduled_date``; a row that already ends by then keeps its end. A row that has not started
by the end asked for never takes effect: it becomes zero-length (``end_date`` =
``start_date``), inactive at once. An end that takes effect now is carried out at once (the
row's pending ``BONUS_END`` is CANCELLED); a later one moves the row's ``BONUS_END`` to it. A
bonus the line does not have (active or scheduled) is a 404.
"""

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import format_timestamp, start_of_day
from mascustomers.models import ScheduledOperation, Subscription, SubscriptionBonus
from mascustomers.outbox import jobs as bonus_events
from mascustomers.scheduler import queue
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.bonus_periods import (
    BONUS_END,
    BonusState,
    end_after,
    end_operation,
    state_at,
)
from mascustomers.subscriptions.errors import BonusAlreadyPresent
from mascustomers.subscriptions.line_changes import (
    load_line,
    require_changeable,
    require_future,
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


_SHOWN = {
    "active": {BonusState.ACTIVE},
    "actual": {BonusState.ACTIVE, BonusState.SCHEDULED},
    "inactive": {BonusState.INACTIVE},
}


def bonuses_view(
    session: Session, *, caller: Caller, subscription_id: int, filters: frozenset[str]
) -> SubscriptionBonuses:
    rows = repository.line_bonuses(session, org_id=caller.org_id, subscription_id=subscription_id)
    if not rows:
        raise NotFound(f"subscription {subscription_id} not found")
    shown: set[BonusState] = set().union(*(_SHOWN[name] for name in filters))
    items = []
    for row in rows:
        # A line without bonuses comes back as one row without a bonus.
        if row.bonus_id is None or row.start_at is None:
            continue
        if state_at(row.start_at, row.end_at, caller.now) in shown:
            items.append(
                BonusItem(
                    id=row.bonus_id,
                    value=row.name,
                    start_date=format_timestamp(row.start_at),
                    end_date=format_timestamp(row.end_at) if row.end_at else None,
                )
            )
    return SubscriptionBonuses(id=rows[0].id, items=items)


def add_bonus(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    bonus_id: int,
    scheduled_date: date | None,
) -> None:
    tz = caller.tz
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
    end = end_after(start, bonus.duration_days, tz)
    if repository.bonus_rows_open_after(
        session, subscription_id=line.id, bonus_id=bonus.bonus_id, instant=start, before=end
    ):
        raise BonusAlreadyPresent(
            f"bonusId: bonus {bonus_id} is already active or scheduled on subscription {line.id}",
            bonus_id=bonus_id,
        )
    row = SubscriptionBonus(
        subscription_id=line.id,
        bonus_id=bonus.bonus_id,
        start_at=start,
        end_at=end,
        created_at=caller.now,
    )
    session.add(row)
    if end is not None:
        _schedule_end(session, caller=caller, line=line, bonus_id=bonus.bonus_id, end=end)
    session.flush()
    bonus_events.bonus_added(session, row=row, line=line, now=caller.now)


def remove_bonus(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    bonus_id: int,
    scheduled_date: date | None,
) -> None:
    tz = caller.tz
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
        _end_row(session, caller=caller, line=line, row=row, end=end)
    session.flush()


def _end_row(
    session: Session, *, caller: Caller, line: Subscription, row: SubscriptionBonus, end: datetime
) -> None:
    """End ``row`` at ``end`` (see the module docstring), carrying it out now or at ``end``."""
    if row.end_at is not None and row.end_at <= end:
        return  # it ends by then anyway
    previous = row.end_at
    row.end_at = max(end, row.start_at)
    pending = _pending_end(session, line=line, bonus_id=row.bonus_id, end=previous)
    if state_at(row.start_at, row.end_at, caller.now) is BonusState.INACTIVE:
        row.ended_by = caller.actor
        bonus_events.bonus_ended(session, row=row, now=caller.now)
        if pending is not None:
            queue.cancel(pending, reason=f"the bonus was removed by {caller.actor}", now=caller.now)
    elif pending is not None:
        pending.due_at = row.end_at
    else:
        _schedule_end(session, caller=caller, line=line, bonus_id=row.bonus_id, end=row.end_at)


def _pending_end(
    session: Session, *, line: Subscription, bonus_id: int, end: datetime | None
) -> ScheduledOperation | None:
    """The PENDING ``BONUS_END`` that carries out this bonus's end at ``end``."""
    if end is None:
        return None
    for operation in queue.pending(session, subscription_id=line.id, kind=BONUS_END):
        if operation.payload.get("bonus_id") == bonus_id and operation.due_at == end:
            return operation
    return None


def _schedule_end(
    session: Session, *, caller: Caller, line: Subscription, bonus_id: int, end: datetime
) -> None:
    session.add(
        ScheduledOperation(
            **end_operation(
                org_id=line.org_id,
                subscription_id=line.id,
                account_id=line.account_id,
                bonus_id=bonus_id,
                end=end,
                now=caller.now,
                actor=caller.actor,
            )
        )
    )
