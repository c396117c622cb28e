"""Capture the SELECTs an operation issues and explain them: none may scan a table.

SQLite's EXPLAIN QUERY PLAN must show no ``SCAN`` of a table, and PostgreSQL (with sequential
scans priced out, as tables here are tiny) no ``Seq Scan``. Prepared selects are captured too:
they call the cursor listeners like any statement.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event

from tests.databases import on_postgres

Captured = list[tuple[str, Any]]


@pytest.fixture
def captured(engine: Engine) -> Iterator[Captured]:
    statements: Captured = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    yield statements
    event.remove(engine, "before_cursor_execute", capture)


def full_scans(connection: Connection, statements: Captured) -> list[str]:
    scans = []
    if on_postgres():
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    for statement, parameters in statements:
        if on_postgres():
            plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
            scans += [f"{line} in {statement}" for line in plan if "Seq Scan" in line]
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            details = [str(row[-1]) for row in rows]
            scans += [
                f"{d} in {statement}" for d in details if d.startswith("SCAN") and "USING" not in d
            ]
    return scans
