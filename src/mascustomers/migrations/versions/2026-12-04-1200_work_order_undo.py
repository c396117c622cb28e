"""work order undo: what cancelling the order restores

Revision ID: 8c4e2b7d1f30
Revises: 7b3e9c2d4f10
Create Date: 2026-12-04 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c4e2b7d1f30"
down_revision: str | None = "7b3e9c2d4f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "undo",
                sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.drop_column("undo")
