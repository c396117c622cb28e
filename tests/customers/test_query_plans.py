"""Every statement the Users and account reads issue searches an index: none scans a table.

The statements are captured while the operations answer through the API, then explained on
the database under test: SQLite's EXPLAIN QUERY PLAN must show no ``SCAN`` of a table, and
PostgreSQL (with sequential scans priced out, as tables here are tiny) no ``Seq Scan``.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event

from mascustomers.kit.identity_documents import make_nif
from tests.bodies import convergent_signup, owner
from tests.databases import on_postgres
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

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


def test_reads_search_indexes(api: ApiCaller, connection: Connection, captured: Captured) -> None:
    response = api.post("/signups", json=convergent_signup(person=owner(60000001)))
    assert response.status_code == 200, response.text
    result = response.json()
    account = result["account_info"]["account_id"]
    main = next(s for s in result["account_info"]["subscriptions"] if s["type"] == 2)
    nif = make_nif(60000001)
    captured.clear()
    calls = [
        ("GET", "/users/tree", {"params": {"number": main["msisdn"]}}),
        ("GET", "/users/tree", {"params": {"email": "lucia.60000001@example.es"}}),
        ("GET", "/users/tree", {"params": {"documentType": "NIF", "document": nif}}),
        ("GET", "/users/tree", {"params": {"nif": nif}}),
        ("POST", "/users/tree/full", {"json": {"document_type": "NIF", "document": nif}}),
        ("GET", f"/users/{main['user_info_id']}", {}),
        ("GET", f"/accounts/{account}", {}),
        ("GET", f"/accounts/{account}/tax", {"params": {"include_historical_changes": "true"}}),
        ("GET", f"/accounts/{account}/contracts", {"params": {"signature_config": "TERMINAL"}}),
        ("GET", f"/accounts/{account}/invoices", {}),
        ("GET", f"/accounts/{account}/terms", {}),
        ("GET", f"/accounts/{account}/paymentinfo", {}),
        ("GET", f"/accounts/{account}/promotions", {}),
    ]
    for method, path, kwargs in calls:
        answer = api.request(method, path, **kwargs)
        assert answer.status_code == 200, (path, answer.text)
    assert len(captured) >= len(calls)

    assert full_scans(connection, captured) == []
