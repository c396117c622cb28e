"""The reference's 39 operations, read from the shipped ``endpoints.json``."""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from mascustomers.auth.permissions import PERMISSION_BY_TAG, Permission

_PATH_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class QueryParam:
    name: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    tag: str
    summary: str
    statuses: tuple[int, ...]
    query: tuple[QueryParam, ...]
    headers: tuple[str, ...]
    deprecated: bool
    note: str
    request_example: Any
    response_examples: dict[str, Any] = field(hash=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def operation_id(self) -> str:
        words = [w for w in re.split(r"[/{}\-]+", self.path.removeprefix("/v2/orgs/")) if w]
        words = [w for w in words if w not in ("orgId", "v2")]
        return "_".join([self.method.lower(), *(re.sub(r"\W", "", w) for w in words)])

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.path)

    @property
    def permission(self) -> Permission:
        return PERMISSION_BY_TAG[self.tag]


@cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the reference, in the reference's order."""
    text = resources.files("mascustomers.routing.reference").joinpath("endpoints.json").read_text()
    items = json.loads(text)
    return tuple(
        Operation(
            method=item["method"],
            path=item["path"],
            tag=item["tag"],
            summary=item.get("summary", ""),
            statuses=tuple(item.get("statuses", [])),
            query=tuple(
                QueryParam(q["name"], q.get("description", "")) for q in item.get("query", [])
            ),
            headers=tuple(item.get("headers", [])),
            deprecated=bool(item.get("deprecated", False)),
            note=item.get("note", ""),
            request_example=item.get("request_example"),
            response_examples=item.get("response_examples", {}),
        )
        for item in items
    )


@cache
def operations_by_key() -> dict[tuple[str, str], Operation]:
    return {op.key: op for op in operations()}
