"""an invoice's cancellation keeps why and by whom

``POST ops/invoices/{number}/cancel`` takes a ``note`` (why the invoice should never have been
issued); it was accepted and dropped. ``invoice.cancellation_note`` and ``cancelled_by`` (the API
key's name, the staff user, or the CLI) keep it with the cancelled invoice.

Revision ID: 7c2f9a1e5b34
Revises: 4e8b1c6a9d27
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c2f9a1e5b34"
down_revision: str | None = "4e8b1c6a9d27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        batch.add_column(sa.Column("cancellation_note", sa.String(500), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        batch.drop_column("cancelled_by")
        batch.drop_column("cancellation_note")
