"""Mount the v2 API: the packages' routers and 501 stubs for the rest, behind one dispatch step.

Every route is a ``routing.v2_route.V2Route`` (its router's ``route_class``), which takes the
reference's tag, summary, operation id and permission when it is built.
"""

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from mascustomers.api.route_table import RouteTable
from mascustomers.api.stubs import make_stub
from mascustomers.routing.operations import operations
from mascustomers.routing.v2_route import V2Route


def _api_routes(routers: Sequence[APIRouter]) -> list[APIRoute]:
    return [route for router in routers for route in router.routes if isinstance(route, APIRoute)]


def _stub_routes(implemented: set[tuple[str, str]]) -> tuple[list[APIRoute], set[tuple[str, str]]]:
    router = APIRouter(route_class=V2Route)
    stubbed = set()
    for operation in operations():
        if operation.key in implemented:
            continue
        stubbed.add(operation.key)
        router.add_api_route(
            operation.path, make_stub(operation), methods=[operation.method], status_code=501
        )
    return _api_routes([router]), stubbed


def _specificity(route: APIRoute) -> tuple[tuple[int, str], ...]:
    """Static path segments sort before parameters, so ``users/tree`` wins over ``{userId}``."""
    return tuple((1, "") if s.startswith("{") else (0, s) for s in route.path.split("/"))


def mount_v2(app: FastAPI, routers: Sequence[APIRouter]) -> set[tuple[str, str]]:
    """Add every route behind authentication; return the operations served as stubs."""
    routes = _api_routes(routers)
    implemented = {(m, route.path) for route in routes for m in route.methods or ()}
    stubs, stubbed = _stub_routes(implemented)
    ordered = sorted([*routes, *stubs], key=_specificity)
    for route in ordered:
        if not isinstance(route, V2Route):
            raise RuntimeError(
                f"route {route.path} is not a V2Route: APIRouter(route_class=V2Route)"
            )
    # One dispatch step for all of them (``api.route_table``), added eagerly: FastAPI's lazily
    # included routers cost more per request than a read (docs/architecture.md).
    app.router.routes.append(RouteTable(ordered))
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
