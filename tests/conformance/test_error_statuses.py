"""Every error status the reference documents for an operation is reachable (generated from
endpoints.json over the conformance requests)."""

import re

import pytest
from fastapi import FastAPI

from mascustomers.api.registry import served_routes
from mascustomers.kit.identity_documents import make_nif
from mascustomers.routing.operations import Operation, operations
from tests.conformance.requests import BUILDERS, Req
from tests.conformance.world import World, build_world
from tests.factories import ApiCaller

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _with_first_id(url: str, replacement: str) -> str:
    return re.sub(r"/\d+(?=/|$)", f"/{replacement}", url, count=1)


def bad_request(world: World, operation: Operation) -> Req:
    """A request failing validation: a non-numeric id, an unknown value, or an empty body."""
    request = BUILDERS[operation.key](world, operation)
    if len(operation.path_params) > 1 and re.search(r"/\d+(/|$)", request.url):
        return Req(request.method, _with_first_id(request.url, "abc"), request.params, request.json)
    if operation.path.endswith("{host_cfg}"):
        return Req("GET", "/signups/available-msisdns/NOSUCHNET")
    if operation.path.endswith("{iccid}"):
        return Req("GET", "/signups/simcard-info/1234")
    if request.method == "GET":
        return Req("GET", request.url, {"include": "everything", "reason": "nope"})
    return Req(request.method, request.url, request.params, {"unexpected": [1]})


def not_found(world: World, operation: Operation) -> Req:
    request = BUILDERS[operation.key](world, operation)
    body = request.json
    if operation.path.endswith("agile-tv"):
        body = {**body, "document_number": "00000000T"}
    elif operation.path.endswith("change-order"):
        body = {**body, "workorderid": "OT9999999999"}
    elif operation.path.endswith("/users/tree"):
        return Req(
            request.method,
            request.url,
            {"number": "699999999"} if request.method == "GET" else {},
            {"number": "699999999"} if request.method == "POST" else None,
        )
    url = (
        _with_first_id(request.url, "999999999") if len(operation.path_params) > 1 else request.url
    )
    if "uuid/" in url:
        url = url.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000"
    return Req(request.method, url, request.params, body)


def wrong_method(app: FastAPI, world: World, operation: Operation) -> Req:
    request = BUILDERS[operation.key](world, operation)
    allowed = {m for r in served_routes(app) if r.path == operation.path for m in r.methods or ()}
    method = next(m for m in METHODS if m not in allowed)
    return Req(method, request.url)


def end_prepaid_customer(api: ApiCaller, world: World) -> None:
    """The prepaid customer's only line ends: its state no longer allows login (0010)."""
    ended = api.post(
        f"/v2/orgs/{api.org}/ops/subscriptions/{world.prepaid_line_id}/termination",
        json={"motive_id": 1},
    )
    assert ended.status_code == 200, ended.text


@pytest.mark.usefixtures("catalogue")
def test_every_documented_error_status_is_reachable(app: FastAPI, api: ApiCaller) -> None:
    world = build_world(api)
    penalties = api.get(f"/penalties/{world.account_id}", params={"reason": "unsubscribe"}).json()
    world.extras["computed_penalty_id"] = penalties[0]["computed_penalty_id"]
    world.extras["main_uuid"] = "00000000-0000-4000-8000-000000000000"
    reached: dict[tuple[str, str, int], int] = {}
    for operation in operations():
        for status in (s for s in operation.statuses if s >= 400):
            if status == 400:
                request = bad_request(world, operation)
            elif status == 404:
                request = not_found(world, operation)
            elif status == 405:
                request = wrong_method(app, world, operation)
            else:
                continue
            response = api.request(
                request.method, request.url, params=request.params, json=request.json
            )
            reached[(operation.method, operation.path, status)] = response.status_code
    end_prepaid_customer(api, world)
    ended = api.get("/users/tree", params={"documentType": "NIF", "document": make_nif(34567890)})
    assert ended.status_code == 403
    assert ended.json()["code"] == "0010"
    reached[("GET", "/v2/orgs/{orgId}/users/tree", 403)] = ended.status_code
    ended_post = api.post(
        "/users/tree", json={"documentType": "NIF", "document": make_nif(34567890)}
    )
    reached[("POST", "/v2/orgs/{orgId}/users/tree", 403)] = ended_post.status_code
    missed = {key: got for key, got in reached.items() if key[2] != got}
    assert missed == {}
