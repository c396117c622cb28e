"""Mount the v2 API: implemented routers, 501 stubs for the rest, reference metadata on all."""

import inspect
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from mascustomers.api.operations import operations, operations_by_key
from mascustomers.api.request_body import body_guards
from mascustomers.api.route_table import RouteTable
from mascustomers.api.stubs import make_stub
from mascustomers.api.v2_route import V2Route
from mascustomers.auth.dependencies import PERMISSION_EXTRA


def _api_routes(routers: Sequence[APIRouter]) -> list[APIRoute]:
    return [route for router in routers for route in router.routes if isinstance(route, APIRoute)]


def _stub_routes(implemented: set[tuple[str, str]]) -> tuple[list[APIRoute], set[tuple[str, str]]]:
    router = APIRouter()
    stubbed = set()
    for operation in operations():
        if operation.key in implemented:
            continue
        stubbed.add(operation.key)
        router.add_api_route(
            operation.path, make_stub(operation), methods=[operation.method], status_code=501
        )
    return _api_routes([router]), stubbed


def _annotate(route: APIRoute) -> None:
    """Copy the reference's tag, summary, permission and deprecation onto the route."""
    for method in route.methods or ():
        operation = operations_by_key().get((method, route.path))
        if operation is None:
            continue
        route.tags = [operation.tag]
        route.summary = operation.summary
        route.operation_id = operation.operation_id
        route.deprecated = operation.deprecated or None
        route.openapi_extra = {
            **(route.openapi_extra or {}),
            PERMISSION_EXTRA: operation.permission.value,
        }
    if PERMISSION_EXTRA not in (route.openapi_extra or {}):
        raise RuntimeError(f"route {route.path} declares no permission")


def _specificity(route: APIRoute) -> tuple[tuple[int, str], ...]:
    """Static path segments sort before parameters, so ``users/tree`` wins over ``{userId}``."""
    return tuple((1, "") if s.startswith("{") else (0, s) for s in route.path.split("/"))


_ROUTE_ARGUMENTS = [
    name
    for name in inspect.signature(APIRouter.add_api_route).parameters
    if name not in {"self", "path", "endpoint", "dependencies", "route_class_override"}
]


def _guarded(route: APIRoute) -> APIRoute:
    """The route rebuilt as a ``V2Route`` (authentication first, Idempotency-Key on writes,
    the database work in a greenlet, the transaction ended before the response), with the
    guard of a writing route whose body is optional or absent (``api.request_body``).

    Built eagerly rather than with ``include_router(dependencies=…)``: FastAPI's lazily
    included routers match every request three times over every route, which cost more
    than any read this API serves.
    """
    arguments: dict[str, Any] = {name: getattr(route, name) for name in _ROUTE_ARGUMENTS}
    return V2Route(
        route.path,
        route.endpoint,
        dependencies=[*body_guards(route), *route.dependencies],
        **arguments,
    )


def mount_v2(app: FastAPI, routers: Sequence[APIRouter]) -> set[tuple[str, str]]:
    """Add every route behind authentication; return the operations served as stubs."""
    routes = _api_routes(routers)
    implemented = {(m, route.path) for route in routes for m in route.methods or ()}
    stubs, stubbed = _stub_routes(implemented)
    guarded = []
    for route in sorted([*routes, *stubs], key=_specificity):
        _annotate(route)
        guarded.append(_guarded(route))
    app.router.routes.append(RouteTable(guarded))
    return stubbed


def served_routes(app: FastAPI) -> list[APIRoute]:
    """The app's API routes: the v2 table's and those of FastAPI's lazily included routers."""
    served: list[APIRoute] = []
    for route in app.routes:
        if isinstance(route, RouteTable):
            served.extend(route.routes)
    served.extend(
        context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
    )
    return served
