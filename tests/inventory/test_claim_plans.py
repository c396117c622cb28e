"""A claim goes straight to the lowest free number or card, however much of the stock is taken.

A claim picks the lowest free item. Through the unique (org_id, msisdn) or (org_id, iccid)
index, in order, filtering on status, that walks past every item taken before it — the plan
PostgreSQL chose once its statistics said most of the stock was free (a claim read ~1,000
index entries after 2,000 signups, more with every one). Here a twentieth of a stock is
taken, from the bottom, the tables analysed, and the claims explained: on PostgreSQL as the first
executions plan them (values known) and as a prepared statement's generic plan does (values
unknown), on SQLite as its planner does.
"""

import itertools
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from psycopg import sql
from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from mascustomers.inventory import repository
from mascustomers.inventory.states import YOIGO_HOST_CFG, NumberStatus, SimStatus
from mascustomers.models import Msisdn, SimCard
from tests.catalogue_fixture import sim_iccid
from tests.databases import generic_plans_after_preparing, on_postgres
from tests.factories import make_org

# The shape that made PostgreSQL 15 walk the unique indexes (the values known): most free.
_STOCK = 20_000
_TAKEN = 1_000
_NOW = datetime(2026, 12, 6, tzinfo=UTC)


@pytest.fixture
def org_id(session: Session, connection: Connection) -> int:
    org = make_org(session, slug="stock")
    connection.execute(
        insert(Msisdn),
        [
            {
                "org_id": org.id,
                "msisdn": f"7000{i:05d}",
                "host_cfg_id": YOIGO_HOST_CFG,
                "status": NumberStatus.ASSIGNED if i < _TAKEN else NumberStatus.AVAILABLE,
                "status_at": _NOW,
            }
            for i in range(_STOCK)
        ],
    )
    connection.execute(
        insert(SimCard),
        [
            {
                "org_id": org.id,
                "iccid": sim_iccid(500_000 + i),
                "imsi": f"21404{i:010d}",
                "status_id": SimStatus.ACTIVA if i < _TAKEN else SimStatus.DISPONIBLE,
                "origin_id": 1,
                "fabrication_type_id": 1,
                "society_id": "XFERA",
                "initial_balance": Decimal("0"),
                "created_at": _NOW,
                "last_status_at": _NOW,
            }
            for i in range(_STOCK)
        ],
    )
    connection.exec_driver_sql("ANALYZE msisdn" if on_postgres() else "ANALYZE")
    if on_postgres():
        connection.exec_driver_sql("ANALYZE sim_card")
    return int(org.id)


def _claims(org_id: int) -> list[tuple[Executable, dict[str, Any], str]]:
    skip_locked = on_postgres()
    return [
        (
            repository._claim_number(skip_locked),
            {"org": org_id, "host_cfg": YOIGO_HOST_CFG, "holder": "RESERVED", "now": _NOW},
            "ix_msisdn_free",
        ),
        (
            repository._claim_sim(True, skip_locked),
            {"org": org_id, "target": int(SimStatus.RESERVADA), "now": _NOW},
            "ix_sim_card_free",
        ),
    ]


def _plans(connection: Connection, statement: Executable, values: dict[str, Any]) -> list[str]:
    compiled = statement.compile(dialect=connection.dialect)
    text = str(compiled)
    params = compiled.construct_params(values)
    if not on_postgres():
        positional = tuple(str(params[name]) for name in compiled.positiontup or ())
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {text}", positional)
        return ["\n".join(str(row[-1]) for row in rows)]
    custom = connection.exec_driver_sql(f"EXPLAIN {text}", params).scalars().all()
    # The generic plan: prepared with $n parameters, planned without their values.
    names: list[str] = []

    def numbered(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    raw = connection.connection.driver_connection
    assert raw is not None
    prepared = re.sub(r"%\((\w+)\)s", numbered, text)
    raw.execute(f"PREPARE claim_plan AS {prepared}")
    try:
        raw.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        arguments = sql.SQL(", ").join(sql.Literal(params[name]) for name in names)
        generic = raw.execute(sql.SQL("EXPLAIN EXECUTE claim_plan({})").format(arguments))
        generic_plan = [str(row[0]) for row in generic]
    finally:
        raw.execute("DEALLOCATE claim_plan")
        raw.execute("RESET plan_cache_mode")
    return ["\n".join(custom), "\n".join(generic_plan)]


def test_a_claim_picks_through_the_free_stock_index(connection: Connection, org_id: int) -> None:
    for statement, values, index in _claims(org_id):
        for plan in _plans(connection, statement, values):
            assert index in plan, plan


def test_the_claimed_number_is_found_by_its_whole_key(connection: Connection, org_id: int) -> None:
    # The number the pick chose is then found by an index's whole key: through the free
    # stock's index by org, host and number — by org and number alone, that index is scanned
    # across the org's free numbers (seen on a table of signups, ~0.3 ms a claim).
    statement, values, _ = _claims(org_id)[0]
    for plan in _plans(connection, statement, values):
        lines = plan.splitlines()
        for scan, condition in itertools.pairwise(lines):
            if "ix_msisdn_free" in scan and "(msisdn)::text =" in condition:
                assert "host_cfg_id =" in condition, plan


def test_a_claim_runs_on_its_generic_plan(connection: Connection, org_id: int) -> None:
    # Prepared (db.prepared), a claim is planned once while its generic plan looks no dearer
    # than those made for its values: with the LIMIT a parameter, PostgreSQL took it for a
    # tenth of the stock and planned every claim anew (~100 µs each, pg_stat_statements).
    if not on_postgres():
        pytest.skip("PostgreSQL's plan cache")
    for statement, values in (
        (repository._number_claim(True), _claims(org_id)[0][1]),
        (repository._sim_claim(True, True), _claims(org_id)[1][1]),
    ):
        generic, custom = generic_plans_after_preparing(connection, statement, values)
        assert generic > 0, (statement.statement, generic, custom)


def test_a_claim_takes_the_lowest_free_item(session: Session, org_id: int) -> None:
    number = repository.claim_free_number(
        session,
        org_id=org_id,
        host_cfg_id=YOIGO_HOST_CFG,
        holder_status=NumberStatus.RESERVED,
        now=_NOW,
    )
    assert number == f"7000{_TAKEN:05d}"
