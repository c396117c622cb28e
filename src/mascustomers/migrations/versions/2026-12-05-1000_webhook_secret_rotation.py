"""a webhook endpoint's secret can be rolled

``POST ops/webhooks/{endpointId}/secret`` gives the endpoint a new secret; the one it replaces
(``webhook_endpoint.previous_secret``) still signs every delivery, beside the new one, until
``previous_secret_expires_at``, so a receiver can switch without refusing a delivery.

Revision ID: 3b7e2d9f4a61
Revises: 7c2f9a1e5b34
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mascustomers.db.base

revision: str = "3b7e2d9f4a61"
down_revision: str | None = "7c2f9a1e5b34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoint") as batch:
        batch.add_column(sa.Column("previous_secret", sa.String(100), nullable=True))
        batch.add_column(
            sa.Column(
                "previous_secret_expires_at", mascustomers.db.base.UtcDateTime(), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoint") as batch:
        batch.drop_column("previous_secret_expires_at")
        batch.drop_column("previous_secret")
