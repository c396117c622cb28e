"""Walking the served OpenAPI document to build requests for every operation."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.db.base import Base

WRITES = frozenset({"post", "put", "patch", "delete"})
METHODS = frozenset({"get", *WRITES})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    entry: dict[str, Any]

    @property
    def body_required(self) -> bool:
        return bool(self.entry.get("requestBody", {}).get("required", False))

    @property
    def has_body(self) -> bool:
        return "requestBody" in self.entry


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method, entry in item.items():
            if method in METHODS:
                yield Operation(method, path, entry)


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def integer_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The integer branch of a parameter's schema (``Id | None`` is an ``anyOf`` with null)."""
    if schema.get("type") == "integer":
        return schema
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "integer":
            return dict(branch)
    return None


def valid_value(document: dict[str, Any], parameter: dict[str, Any]) -> str:
    """A value that passes a parameter's own validation: its minimum (at least 1), its first
    enum value, or a short string."""
    schema = resolve(document, parameter.get("schema", {}))
    integer = integer_schema(schema)
    if integer is not None:
        return str(max(integer.get("minimum", 1), 1))
    for branch in [schema, *schema.get("anyOf", [])]:
        resolved = resolve(document, branch)
        if "enum" in resolved:
            return str(resolved["enum"][0])
    return "x"


def request_for(
    document: dict[str, Any], operation: Operation, overrides: dict[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """The operation's URL (org ``telco``) and its required query, every parameter valid
    unless ``overrides`` names it."""
    overrides = overrides or {}
    url = operation.path.replace("{orgId}", "telco")
    params: dict[str, str] = {}
    for parameter in operation.entry.get("parameters", []):
        name, location = parameter["name"], parameter["in"]
        value = overrides.get(name) or valid_value(document, parameter)
        if location == "path" and name != "orgId":
            url = url.replace("{" + name + "}", value)
        elif location == "query" and (name in overrides or parameter.get("required")):
            params[name] = value
    return url, params


def database_rows(session: Session) -> dict[str, list[str]]:
    """Every row of every table, so an update counts as a write, not only an insert."""
    session.expire_all()
    return {
        table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
        for table in Base.metadata.sorted_tables
    }
