"""The v2 route table picks exactly the route a plain in-order scan would pick."""

import itertools
import re

import pytest
from fastapi import FastAPI
from starlette.routing import Match

from mascustomers.api.route_table import RouteTable

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _table(app: FastAPI) -> RouteTable:
    return next(route for route in app.routes if isinstance(route, RouteTable))


def _scan(table: RouteTable, scope: dict[str, object]) -> tuple[Match, object]:
    partial = None
    for route in table.routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            return match, child["route"]
        if match == Match.PARTIAL and partial is None:
            partial = child["route"]
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def _paths(table: RouteTable) -> list[str]:
    """Every template filled with numbers and with every literal any route uses, so
    parameters collide with literals (``users/{userId}`` against ``users/tree``)."""
    literals = sorted(
        {s for r in table.routes for s in r.path.split("/") if s and not s.startswith("{")}
    )
    fillers = ["7", "telco", *literals]
    paths = set()
    for route in table.routes:
        segments = route.path.split("/")
        holes = [i for i, s in enumerate(segments) if "{" in s]
        for values in itertools.islice(itertools.product(fillers, repeat=len(holes)), 400):
            filled = list(segments)
            for hole, value in zip(holes, values, strict=True):
                filled[hole] = re.sub(r"\{[^}]+\}", value, segments[hole])
            paths.add("/".join(filled))
    paths |= {"/", "/v2", "/v2/orgs/telco", "/v2/orgs/telco/nothing/here", "/health/live"}
    return sorted(paths)


@pytest.mark.parametrize("method", METHODS)
def test_table_agrees_with_a_plain_scan(app: FastAPI, method: str) -> None:
    table = _table(app)
    checked = 0
    for path in _paths(table):
        scope = {"type": "http", "method": method, "path": path, "root_path": ""}
        match, child = table.matches(dict(scope))
        expected_match, expected_route = _scan(table, dict(scope))
        assert match == expected_match, path
        assert (child.get("route") if match != Match.NONE else None) is expected_route, path
        checked += 1
    assert checked > len(table.routes)


def test_every_route_is_reachable_through_the_table(app: FastAPI) -> None:
    table = _table(app)
    for route in table.routes:
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in route.methods or ():
            match, child = table.matches(
                {"type": "http", "method": method, "path": path, "root_path": ""}
            )
            assert match == Match.FULL
            # an earlier, more specific route may win (users/tree over users/{userId})
            assert child["route"].path in {route.path, *(r.path for r in table.routes)}
