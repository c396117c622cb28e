"""Every operation's working example, as the served document shows it, works on a fresh demo.

The demo database is made by ``mascustomers demo``, the command ``make run`` runs; the
examples are read from ``/v2/openapi.json`` and sent as they are, reads first, then the
writes in ``WRITE_ORDER``: each must answer its documented success.
"""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.demo.working_examples import WORKS, calls, in_order, run
from tests.query_plans import Captured, full_scans


def _document(client: TestClient) -> dict[str, Any]:
    response = client.get("/v2/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_every_operation_has_a_working_example_next_to_the_reference(
    demo: tuple[TestClient, str],
) -> None:
    client, _ = demo
    document = _document(client)
    found = calls(document)
    assert len(found) >= 66
    missing = [f"{c.method} {c.path}" for c in found if c.summary is None]
    assert missing == []
    for call in found:
        unfilled = [p for p in ("{", "}") if p in call.url]
        assert unfilled == [], f"{call.method} {call.path}: a path parameter has no example"
    signup = document["paths"]["/v2/orgs/{orgId}/signups"]["post"]
    examples = signup["requestBody"]["content"]["application/json"]["examples"]
    # The working one first (Swagger UI's "Try it out" starts from it), the reference's kept.
    assert list(examples) == [WORKS, "reference"]
    assert examples["reference"]["value"]["sales_info"]["dealer_id"] == "string"
    org = signup["parameters"][0]
    assert org["name"] == "orgId"
    assert org["examples"][WORKS]["value"] == "telco"


def test_every_working_example_works_on_a_fresh_demo(demo: tuple[TestClient, str]) -> None:
    client, key = demo
    failures = {}
    for call in in_order(calls(_document(client))):
        response = run(client, key, call)
        if response.status_code != call.expected:
            failures[f"{call.method} {call.url}"] = (response.status_code, response.text[:300])
    assert failures == {}


def test_examples_follow_the_data(demo: tuple[TestClient, str]) -> None:
    """Used up, an example goes (or moves on): the document never names what cannot work."""
    client, key = demo
    before = {c.key: c for c in calls(_document(client))}
    for key_ in [
        ("PATCH", "/v2/orgs/{orgId}/signups/activate-sim"),
        ("POST", "/v2/orgs/{orgId}/signups"),
    ]:
        assert run(client, key, before[key_]).status_code == 200
    after = {c.key: c for c in calls(_document(client))}
    assert after[("PATCH", "/v2/orgs/{orgId}/signups/activate-sim")].summary is None
    signed, again = (
        before[("POST", "/v2/orgs/{orgId}/signups")],
        after[("POST", "/v2/orgs/{orgId}/signups")],
    )
    owner = signed.body["clients"]["attributes"][0]["document_value"]
    assert again.body["clients"]["attributes"][0]["document_value"] != owner
    assert run(client, key, again).status_code == 200


def test_no_working_examples_without_the_demo_org(client: TestClient) -> None:
    document = client.get("/v2/openapi.json").json()
    assert not any("x-working-example" in e for i in document["paths"].values() for e in i.values())
    signup = document["paths"]["/v2/orgs/{orgId}/signups"]["post"]
    assert "example" in signup["requestBody"]["content"]["application/json"]


def test_a_telco_org_without_the_demo_data_still_gets_its_document(
    client: TestClient, org_slug: str
) -> None:
    """No catalogue, no customers: only the examples that need neither."""
    response = client.get("/v2/openapi.json")
    assert response.status_code == 200, response.text
    found = {c.key: c for c in calls(response.json())}
    assert found[("GET", "/v2/orgs/{orgId}/signups/master-data")].summary is not None
    assert found[("POST", "/v2/orgs/{orgId}/signups")].summary is None


def test_making_the_examples_scans_no_table(demo: tuple[TestClient, str]) -> None:
    """They are made on every request of the document: index lookups only, whatever the size
    of the customer base (``mascustomers demo --customers 1000000``)."""
    client, _ = demo
    engine = client.app.state.database.request_engine  # type: ignore[attr-defined]
    statements: Captured = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert client.get("/v2/openapi.json").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(statements) > 30
    # Explained on the synchronous engine: on PostgreSQL the request engine is async.
    with client.app.state.engine.begin() as connection:  # type: ignore[attr-defined]
        assert full_scans(connection, statements) == []
