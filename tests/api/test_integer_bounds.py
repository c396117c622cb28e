"""Every integer a request carries is bounded, and the served OpenAPI document says how:
past int64, below zero or zero, a parameter is refused with a 400 naming it, never a 500.

Generated over ``/v2/openapi.json``: every integer path and query parameter of every
operation is sent int64 + 1, -1 and 0, the document's minimum and maximum deciding which of
them must be refused; every integer of every request body must declare exact bounds.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mascustomers.kit.request_fields import MAX_ID
from tests.api.served_document import (
    Operation,
    database_rows,
    integer_schema,
    operations,
    request_for,
    resolve,
)
from tests.factories import ApiCaller

PROBES = (2**63, -1, 0)


@dataclass(frozen=True)
class IntegerParameter:
    operation: Operation
    name: str
    schema: dict[str, Any]

    @property
    def label(self) -> tuple[str, str, str]:
        return (self.operation.method, self.operation.path, self.name)


def integer_parameters(document: dict[str, Any]) -> Iterator[IntegerParameter]:
    for operation in operations(document):
        for parameter in operation.entry.get("parameters", []):
            schema = integer_schema(parameter.get("schema", {}))
            if schema is not None:
                yield IntegerParameter(operation, parameter["name"], schema)


def test_every_integer_parameter_documents_its_bounds(client: TestClient) -> None:
    document = client.get("/v2/openapi.json").json()
    found = list(integer_parameters(document))
    assert len(found) > 40
    for target in found:
        minimum, maximum = target.schema.get("minimum"), target.schema.get("maximum")
        assert isinstance(minimum, int), target.label
        assert isinstance(maximum, int), target.label
        assert 0 <= minimum <= maximum <= MAX_ID, target.label


def body_integers(
    document: dict[str, Any], schema: dict[str, Any], where: str, seen: frozenset[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            yield from body_integers(document, resolve(document, schema), where, seen | {name})
        return
    for branch in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        yield from body_integers(document, branch, where, seen)
    if schema.get("type") == "integer":
        yield where, schema
    for name, child in schema.get("properties", {}).items():
        yield from body_integers(document, child, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from body_integers(document, schema[key], f"{where}[]", seen)


def test_every_integer_body_field_documents_its_bounds(client: TestClient) -> None:
    """Body integers reach the database too: each is an enum or has exact int64 bounds."""
    document = client.get("/v2/openapi.json").json()
    checked = 0
    for operation in operations(document):
        content = operation.entry.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        for where, field in body_integers(document, schema, "body", frozenset()):
            checked += 1
            label = (operation.method, operation.path, where)
            if "enum" in field or "const" in field:
                continue
            assert isinstance(field.get("minimum"), int), label
            assert isinstance(field.get("maximum"), int), label
            assert -MAX_ID - 1 <= field["minimum"] <= field["maximum"] <= MAX_ID, label
    assert checked > 50


@pytest.mark.usefixtures("catalogue")
def test_out_of_range_integer_parameters_are_400_and_write_nothing(
    client: TestClient, api: ApiCaller, session: Session
) -> None:
    document = client.get("/v2/openapi.json").json()
    before = database_rows(session)
    refused = 0
    for target in integer_parameters(document):
        low, high = target.schema["minimum"], target.schema["maximum"]
        operation = target.operation
        for value in PROBES:
            url, params = request_for(document, operation, {target.name: str(value)})
            response = api.request(
                operation.method.upper(),
                url,
                params=params,
                json={} if operation.body_required else None,
            )
            label = (*target.label, value, response.text[:300])
            assert response.status_code < 500, label
            # Answers that are documents (the records' XML) name nothing.
            answer = response.json() if "json" in response.headers["content-type"] else {}
            named = f"{target.name}: " in answer.get("detailMsg", "")
            if low <= value <= high:
                assert not named, label
                continue
            assert response.status_code == 400, label
            assert response.json()["code"] == "0001", label
            assert named, label
            refused += 1
    assert refused > 100
    assert database_rows(session) == before


@pytest.mark.parametrize("value", ["99999999999999999999999", str(2**63), "-1", "0"])
def test_the_reported_penalty_confirm_is_400(api: ApiCaller, value: str) -> None:
    response = api.put(f"/penalties/{value}")
    assert response.status_code == 400, response.text
    assert "computePenaltyId" in response.json()["detailMsg"]


def test_body_ids_past_int64_are_400(api: ApiCaller, session: Session) -> None:
    before = database_rows(session)
    for body in ({"motive_id": 2**63}, {"motive_id": -1}):
        response = api.post("/ops/subscriptions/1/termination", json=body)
        assert response.status_code == 400, response.text
        assert "motive_id" in response.json()["detailMsg"]
    for body in (
        {"amount": "5", "origin_id": 2**63, "movement_type_id": 1},
        {"amount": "5", "origin_id": 1, "movement_type_id": 2**64},
    ):
        response = api.post("/ops/subscriptions/1/recharges", json=body)
        assert response.status_code == 400, response.text
        assert "_id" in response.json()["detailMsg"]
    assert database_rows(session) == before
