"""staff console: staff users and their sessions, the work-order and risk-hold queue indexes

Revision ID: 5d2a8f6c3b41
Revises: 9d1f3a5b7c42
Create Date: 2026-12-04 17:00:00

The back-office console (``/console``) signs staff users in with a password (argon2id hash)
and keeps each signed-in browser as a ``staff_session`` row (only the token's SHA-256 is
stored). Its queues list an org's work orders (and, as GET ops/risk-holds does, its orders)
in one status in id order: both indexed, (org_id, status, id).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mascustomers.db.base

revision: str = "5d2a8f6c3b41"
down_revision: str | None = "9d1f3a5b7c42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", mascustomers.db.base.UtcDateTime(), nullable=True),
        sa.Column("created_at", mascustomers.db.base.UtcDateTime(), nullable=False),
        sa.Column("disabled_at", mascustomers.db.base.UtcDateTime(), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_staff_user_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("org_id", "username", name=op.f("uq_staff_user_org_id")),
    )
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_user_org_id"), ["org_id"], unique=False)

    op.create_table(
        "staff_session",
        sa.Column("staff_user_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", mascustomers.db.base.UtcDateTime(), nullable=False),
        sa.Column("expires_at", mascustomers.db.base.UtcDateTime(), nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_session_staff_user_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_session_staff_user_id"), ["staff_user_id"], unique=False
        )

    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.create_index("ix_work_order_queue", ["org_id", "status_id", "id"], unique=False)
    with op.batch_alter_table("sell", schema=None) as batch_op:
        batch_op.create_index("ix_sell_queue", ["org_id", "status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sell", schema=None) as batch_op:
        batch_op.drop_index("ix_sell_queue")
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.drop_index("ix_work_order_queue")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_staff_user_id"))
    op.drop_table("staff_session")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_user_org_id"))
    op.drop_table("staff_user")
