"""idempotent answer age: stored answers found by age, for their purge

Revision ID: 9d1f3a5b7c42
Revises: 7c3e9a1d5f20
Create Date: 2026-12-04 16:00:00

Idempotency-Key answers are kept ``idempotency_key_hours`` (24 h by default) and then purged by
the scheduler in batches, oldest first: without an index on their age each batch would read
the whole table (at 200 signups/s that is 17 million rows a day).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9d1f3a5b7c42"
down_revision: str | None = "7c3e9a1d5f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotent_request", schema=None) as batch_op:
        batch_op.create_index("ix_idempotent_request_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotent_request", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotent_request_created_at")
