"""bonus ends and superseded penalty computations

Bonuses: ``subscription_bonus.ended_by`` (who carried the end out). Bonuses of a catalogue
entry with ``duration_days`` stored without an end (before this revision) get theirs: the same
wall-clock time ``duration_days`` later in the org's time zone; an end still ahead gets its
``BONUS_END`` operation, one already past is marked carried out (``ended_by`` = ``migration``).

Computed penalties: ``superseded_by_id`` / ``superseded_at`` (a newer computation of the same
account, line and reason replaced an unconfirmed one: status SUPERSEDED).

Revision ID: 7b3e9c2d4f10
Revises: 5d0a1e7c9b21
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import mascustomers.db.base

revision: str = "7b3e9c2d4f10"
down_revision: str | None = "5d0a1e7c9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = mascustomers.db.base.UtcDateTime()
_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("subscription_bonus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_by", sa.String(length=100), nullable=True))
    with op.batch_alter_table("computed_penalty", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("superseded_at", _TIME, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_computed_penalty_superseded_by_id_computed_penalty"),
            "computed_penalty",
            ["superseded_by_id"],
            ["id"],
        )
    _end_limited_bonuses()


def downgrade() -> None:
    with op.batch_alter_table("computed_penalty", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_computed_penalty_superseded_by_id_computed_penalty"),
            type_="foreignkey",
        )
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("superseded_by_id")
    with op.batch_alter_table("subscription_bonus", schema=None) as batch_op:
        batch_op.drop_column("ended_by")


_bonus = sa.table(
    "subscription_bonus",
    sa.column("id", _ID),
    sa.column("subscription_id", _ID),
    sa.column("bonus_id", _ID),
    sa.column("start_at", _TIME),
    sa.column("end_at", _TIME),
    sa.column("created_at", _TIME),
    sa.column("ended_by", sa.String()),
)
_line = sa.table(
    "subscription", sa.column("id", _ID), sa.column("org_id", _ID), sa.column("account_id", _ID)
)
_catalogue = sa.table(
    "catalogue_bonus",
    sa.column("org_id", _ID),
    sa.column("bonus_id", _ID),
    sa.column("duration_days", sa.Integer()),
)
_org = sa.table("org", sa.column("id", _ID), sa.column("timezone", sa.String()))
_clock = sa.table("org_clock", sa.column("org_id", _ID), sa.column("now_at", _TIME))
_operation = sa.table(
    "scheduled_operation",
    sa.column("org_id", _ID),
    sa.column("kind", sa.String()),
    sa.column("subscription_id", _ID),
    sa.column("account_id", _ID),
    sa.column("payload", mascustomers.db.base.JsonDoc),
    sa.column("due_at", _TIME),
    sa.column("status", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("created_at", _TIME),
    sa.column("requested_by", sa.String()),
)


def _end_after(start: datetime, days: int, tz: str) -> datetime:
    """As ``subscriptions.bonus_periods.end_after`` at this revision (kept here on purpose)."""
    zone = ZoneInfo(tz)
    wall = start.astimezone(zone).replace(tzinfo=None)
    return (wall + timedelta(days=days)).replace(tzinfo=zone).astimezone(UTC)


def _end_limited_bonuses() -> None:
    connection = op.get_bind()
    wall_now = datetime.now(UTC)
    query = (
        sa.select(
            _bonus.c.id,
            _bonus.c.subscription_id,
            _bonus.c.bonus_id,
            _bonus.c.start_at,
            _line.c.org_id,
            _line.c.account_id,
            _catalogue.c.duration_days,
            _org.c.timezone,
            _clock.c.now_at,
        )
        .join(_line, _line.c.id == _bonus.c.subscription_id)
        .join(
            _catalogue,
            sa.and_(
                _catalogue.c.org_id == _line.c.org_id, _catalogue.c.bonus_id == _bonus.c.bonus_id
            ),
        )
        .join(_org, _org.c.id == _line.c.org_id)
        .outerjoin(_clock, _clock.c.org_id == _line.c.org_id)
        .where(_bonus.c.end_at.is_(None), _catalogue.c.duration_days.is_not(None))
        .order_by(_bonus.c.id)
    )
    rows = connection.execute(query).all()
    for first in range(0, len(rows), _BATCH):
        ends, operations = [], []
        for row in rows[first : first + _BATCH]:
            end = _end_after(row.start_at, row.duration_days, row.timezone)
            now = row.now_at or wall_now
            past = end <= now
            ends.append({"row_id": row.id, "end": end, "by": "migration" if past else None})
            if not past:
                operations.append(
                    {
                        "org_id": row.org_id,
                        "kind": "BONUS_END",
                        "subscription_id": row.subscription_id,
                        "account_id": row.account_id,
                        "payload": {"bonus_id": row.bonus_id},
                        "due_at": end,
                        "status": "PENDING",
                        "attempts": 0,
                        "created_at": now,
                        "requested_by": "migration",
                    }
                )
        connection.execute(
            _bonus.update()
            .where(_bonus.c.id == sa.bindparam("row_id"))
            .values(end_at=sa.bindparam("end"), ended_by=sa.bindparam("by")),
            ends,
        )
        if operations:
            connection.execute(_operation.insert(), operations)
