"""sim card pick index: free SIM cards of an org in ICCID order

Revision ID: 7c3e9a1d5f20
Revises: 8c4e2b7d1f30
Create Date: 2026-12-04 15:00:00

``signups/available-iccids`` and the pick of a card for a shipped SIM read the org's free
cards (status DISPONIBLE) in ICCID order: with only (org_id, iccid) indexed, that walked past
every card already in use.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c3e9a1d5f20"
down_revision: str | None = "8c4e2b7d1f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sim_card", schema=None) as batch_op:
        batch_op.create_index("ix_sim_card_pick", ["org_id", "status_id", "iccid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sim_card", schema=None) as batch_op:
        batch_op.drop_index("ix_sim_card_pick")
