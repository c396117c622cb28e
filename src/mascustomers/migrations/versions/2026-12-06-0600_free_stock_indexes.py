"""free stock indexes: numbers and SIM cards in stock indexed on their own

A claim takes the lowest free number or card. With (org_id, host_cfg_id, status, msisdn) and
(org_id, status_id, iccid) the planner could as well walk the unique (org_id, msisdn) and
(org_id, iccid) indexes in order and filter, and did once statistics said most of the stock
was free: every claim then read past all the items taken before it (~1,000 index entries
after 2,000 signups). Partial indexes of the free items alone are smaller and need no filter,
so they win that choice, more clearly the more stock is taken.

Revision ID: 5d1a8e3c7b92
Revises: 3b7e2d9f4a61
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1a8e3c7b92"
down_revision: str | None = "3b7e2d9f4a61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FREE_NUMBER = sa.text("status = 'AVAILABLE'")
_FREE_SIM = sa.text("status_id = 1")


def upgrade() -> None:
    op.create_index(
        "ix_msisdn_free",
        "msisdn",
        ["org_id", "host_cfg_id", "msisdn"],
        postgresql_where=_FREE_NUMBER,
        sqlite_where=_FREE_NUMBER,
    )
    op.create_index(
        "ix_sim_card_free",
        "sim_card",
        ["org_id", "iccid"],
        postgresql_where=_FREE_SIM,
        sqlite_where=_FREE_SIM,
    )
    op.drop_index("ix_msisdn_pick", table_name="msisdn")
    op.drop_index("ix_sim_card_pick", table_name="sim_card")


def downgrade() -> None:
    op.create_index("ix_sim_card_pick", "sim_card", ["org_id", "status_id", "iccid"])
    op.create_index("ix_msisdn_pick", "msisdn", ["org_id", "host_cfg_id", "status", "msisdn"])
    op.drop_index("ix_sim_card_free", table_name="sim_card")
    op.drop_index("ix_msisdn_free", table_name="msisdn")
