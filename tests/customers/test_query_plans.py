"""Every statement the Users and account reads issue searches an index: none scans a table.

The statements are captured while the operations answer through the API, then explained on
the database under test: SQLite's EXPLAIN QUERY PLAN must show no ``SCAN`` of a table, and
PostgreSQL (with sequential scans priced out, as tables here are tiny) no ``Seq Scan``.
"""

import pytest
from sqlalchemy import Connection

from mascustomers.kit.identity_documents import make_nif
from tests.bodies import convergent_signup, owner
from tests.factories import ApiCaller
from tests.query_plans import Captured, full_scans

pytestmark = pytest.mark.usefixtures("catalogue")


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
