"""Hostile input on every built write operation: always a 4xx ErrorMessage, never a 5xx."""

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mascustomers.api.registry import served_routes
from tests.bodies import convergent_signup
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts

ERROR_KEYS = {"code", "status", "message", "detailMsg"}


def write_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [
        (method, route.path)
        for route in served_routes(app)
        for method in sorted(route.methods or ())
        if method in ("POST", "PUT", "PATCH")
        and (method, route.path) not in app.state.stubbed
        and route.path.startswith("/v2/")
    ]


def _url(path: str) -> str:
    return re.sub(r"{\w+}", "1", path.replace("{orgId}", "telco"))


def _assert_error(response: Any, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert set(response.json()) == ERROR_KEYS


def test_hostile_bodies_on_every_write_route(
    app: FastAPI, api: ApiCaller, client: TestClient
) -> None:
    hostile: list[tuple[bytes, tuple[int, ...]]] = [
        (b'{"a": ', (400, 404)),
        (b"[1, 2, 3]", (400, 404)),
        (b'"just a string"', (400, 404)),
        (b"[" * 5000 + b"]" * 5000, (400, 404)),
        (b'{"x": ' + b"9" * 5000 + b"}", (400, 404)),
        (b"\xff\xfe\x00garbage", (400, 404)),
        (b"x" * (10 * 1024 * 1024), (413,)),
    ]
    routes = write_routes(app)
    assert routes
    for method, path in routes:
        for body, statuses in hostile:
            response = client.request(
                method,
                _url(path),
                content=body,
                headers={"x-api-key": api.key, "content-type": "application/json"},
            )
            _assert_error(response, *statuses)


def string_leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_leaves(item, (*path, index))
    elif isinstance(value, str):
        yield path


def replaced(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(body)
    target: Any = copied
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copied


NASTY = [
    "'; DROP TABLE customer; --",
    "ñandú 😀 \u202e\u0000",
    "x" * 5000,
    2**70,
    ["list"],
    {"o": 1},
]


@pytest.mark.usefixtures("catalogue")
def test_every_signup_string_field_against_nasty_values(api: ApiCaller, session: Session) -> None:
    body = convergent_signup()
    for leaf in string_leaves(body):
        for value in NASTY:
            before = row_counts(session)
            response = api.post("/signups", json=replaced(body, leaf, value))
            assert response.status_code < 500, (leaf, value, response.text[:300])
            if response.status_code >= 400:
                assert set(response.json()) == ERROR_KEYS
                assert row_counts(session) == before, (leaf, value)


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("payment", "billing_type_id"), 3),
        (("payment", "billing_type_id"), 2**63),
        (("clients", "sector_id"), -1),
        (("clients", "sector_id"), 2**64),
        (("sales_info", "signature_type"), "HOLOGRAM"),
        (("clients", "attributes", 0, "type_id"), 9),
        (("products", "bundle", "bundle_id"), 1.5),
    ],
)
def test_unknown_enums_and_out_of_range_numbers(
    api: ApiCaller, session: Session, path: tuple[Any, ...], value: Any
) -> None:
    before = row_counts(session)
    response = api.post("/signups", json=replaced(convergent_signup(), path, value))
    _assert_error(response, 400)
    assert row_counts(session) == before


@pytest.mark.usefixtures("catalogue")
def test_nul_characters_are_refused_on_every_database(api: ApiCaller, session: Session) -> None:
    before = row_counts(session)
    body = convergent_signup()
    body["sales_info"]["channel"] = "dealer\u0000"
    response = api.post("/signups", json=body)
    _assert_error(response, 400)
    assert "NUL" in response.json()["detailMsg"]
    assert row_counts(session) == before
    search = api.get("/users/tree", params={"email": "a\u0000@example.es"})
    _assert_error(search, 400, 404)
