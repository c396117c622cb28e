"""Every order reserves its rows' ids in one statement; on PostgreSQL it is prepared, and a
prepared statement should be planned once, then run on its generic plan. PostgreSQL keeps
planning it anew when the generic plan looks dearer than the plans made for the values — as
when a generate_series bound is a parameter, which it then takes for 1,000 rows: each signup
paid ~80 µs of planning for it (pg_stat_statements). The inventory's claims are held to the
same in tests/inventory/test_claim_plans.py."""

import pytest
from sqlalchemy import Connection

from mascustomers.db import ids
from mascustomers.models import AppliedPromotion, Subscription
from tests.databases import generic_plans_after_preparing, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's plan cache")


@pytest.mark.parametrize("counts", [(1, 1), (4, 2)])
def test_the_id_reservation_runs_on_its_generic_plan(
    connection: Connection, counts: tuple[int, int]
) -> None:
    wanted = {Subscription: counts[0], AppliedPromotion: counts[1]}
    statement = ids._sequences_read(wanted)
    generic, custom = generic_plans_after_preparing(connection, statement, {})
    assert generic > 0, (generic, custom)
