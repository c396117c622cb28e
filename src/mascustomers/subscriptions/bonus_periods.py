"""When a bonus on a line is in effect, and what ends it (pure rules, no database).

A bonus row is in effect from ``start_at`` until ``end_at`` (open when null). At an instant
it is in exactly one state:

- *inactive* — it has ended (``end_at`` ≤ the instant), or it never takes effect: a
  zero-length row (``end_at`` ≤ ``start_at``, a bonus removed before or as it started);
- *scheduled* — it starts later;
- *active* — started and not ended.

A catalogue bonus with ``duration_days`` N runs N days of the org's calendar: it ends at the
same wall-clock time N days after it starts, in the org's time zone (Europe/Madrid by
default). A bonus added from a ``scheduled_date`` starts at 00:00 of that day and so ends at
00:00 N days later; across a daylight-saving change the day it spans has 23 or 25 hours. A
wall-clock time that does not exist on the end day (the hour skipped in spring) is read with
the offset before the change, so it falls an hour later. A bonus without ``duration_days``
renews monthly until it is removed: no end.

Every end that lies ahead is carried out by one ``BONUS_END`` scheduled operation due at
that instant (see ``subscriptions.jobs.end_scheduled_bonus``).
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from mascustomers.kit.clock import ensure_utc
from mascustomers.scheduler import queue

BONUS_END = "BONUS_END"
# Who carries out an end that was due at a date (as for other scheduled operations).
SCHEDULER_ACTOR = "scheduler"


class BonusState(StrEnum):
    ACTIVE = "active"
    SCHEDULED = "scheduled"
    INACTIVE = "inactive"


def end_after(start: datetime, duration_days: int | None, tz: str) -> datetime | None:
    """The end of a bonus of ``duration_days`` that starts at ``start``; None: no end."""
    if duration_days is None:
        return None
    zone = ZoneInfo(tz)
    wall = ensure_utc(start).astimezone(zone).replace(tzinfo=None)
    return (wall + timedelta(days=duration_days)).replace(tzinfo=zone).astimezone(UTC)


def state_at(start: datetime, end: datetime | None, instant: datetime) -> BonusState:
    """The state, at ``instant``, of a bonus in effect from ``start`` until ``end``."""
    if end is not None and (end <= instant or end <= start):
        return BonusState.INACTIVE
    return BonusState.SCHEDULED if start > instant else BonusState.ACTIVE


def end_operation(
    *,
    org_id: int,
    subscription_id: int,
    account_id: int,
    bonus_id: int,
    end: datetime,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """The column values of the ``BONUS_END`` operation that carries out an end at ``end``."""
    return queue.operation_values(
        org_id=org_id,
        kind=BONUS_END,
        subscription_id=subscription_id,
        account_id=account_id,
        payload={"bonus_id": bonus_id},
        due_at=end,
        now=now,
        actor=actor,
    )
