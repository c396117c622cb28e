"""A body that is sent is JSON of the operation's shape, also where the body is optional or
the operation takes none: otherwise a 400 and nothing changes.

Generated over ``/v2/openapi.json``: every writing operation whose body is optional or absent
is sent ``null``, broken JSON and JSON of another shape.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.served_document import WRITES, Operation, database_rows, operations, request_for
from tests.factories import ApiCaller

ERROR_KEYS = {"code", "status", "message", "detailMsg"}
BAD_BODIES = (b"null", b" null\n", b'{"reason": ', b"[1, 2]", b'"cancel"', b"\xff\xfe")


def optional_body_operations(client: TestClient) -> tuple[dict[str, object], list[Operation]]:
    document = client.get("/v2/openapi.json").json()
    found = [
        operation
        for operation in operations(document)
        if operation.method in WRITES and not operation.body_required
    ]
    return document, found


def test_the_optional_and_absent_bodies_are_found(client: TestClient) -> None:
    _, found = optional_body_operations(client)
    labels = {(op.method, op.path.removeprefix("/v2/orgs/{orgId}")) for op in found}
    assert {
        ("post", "/ops/work-orders/{workOrderId}/cancel"),
        ("post", "/ops/work-orders/{workOrderId}/complete"),
        ("post", "/ops/invoices/{invoiceId}/payment"),
        ("put", "/penalties/{computePenaltyId}"),
        ("delete", "/penalties/{computePenaltyId}"),
    } <= labels
    assert any(op.has_body for op in found)
    assert any(not op.has_body for op in found)


@pytest.mark.usefixtures("catalogue")
def test_bad_bodies_on_optional_or_absent_bodies_are_400(
    client: TestClient, api: ApiCaller, session: Session
) -> None:
    document, found = optional_body_operations(client)
    before = database_rows(session)
    for operation in found:
        url, params = request_for(document, operation)
        bodies = BAD_BODIES if operation.has_body else (*BAD_BODIES, b"{}", b"0", b" ")
        for body in bodies:
            response = api.request(
                operation.method.upper(),
                url,
                params=params,
                content=body,
                headers={"content-type": "application/json"},
            )
            label = (operation.method, operation.path, body, response.text[:300])
            assert response.status_code == 400, label
            answer = response.json()
            assert set(answer) == ERROR_KEYS, label
            assert answer["code"] in ("0001", "0002"), label
            assert answer["detailMsg"].startswith(("body", "the request body")), label
    assert database_rows(session) == before


def test_no_body_means_no_bytes(api: ApiCaller) -> None:
    """An empty body is no body: the operation goes on (404 here). Blank is a body, and not
    JSON (as FastAPI has it for the routes with a body)."""
    for method, path in (
        ("DELETE", "/penalties/999999"),
        ("POST", "/ops/work-orders/OT9999999999/cancel"),
    ):
        response = api.request(method, path, content=b"")
        assert response.status_code == 404, response.text
        response = api.request(method, path, content=b" \r\n")
        assert response.status_code == 400, response.text
