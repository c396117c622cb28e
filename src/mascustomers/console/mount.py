"""``mount_console(app)``: the console's pages, its static files and its sign-in throttle."""

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from mascustomers.console.dependencies import StaffDep
from mascustomers.console.rendering import PREFIX, refusal
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.throttle import LoginThrottle
from mascustomers.errors import ErrorCode

STATIC = Path(__file__).resolve().parent / "static"

_fallback = APIRouter(route_class=ConsoleRoute)


@_fallback.get(PREFIX)
def bare(request: Request, staff: StaffDep) -> Response:
    """``/console`` without the slash: the search page."""
    from mascustomers.console.rendering import redirect

    return redirect(request, f"{PREFIX}/")


@_fallback.get(PREFIX + "/{rest:path}")
def unknown(request: Request, rest: str, staff: StaffDep) -> Response:
    """Any other console path: the not-found page (signed in), else the sign-in page."""
    return refusal(request, ErrorCode.NOT_FOUND, f"no console page at {request.url.path}")


def routers() -> list[APIRouter]:
    from mascustomers.console.pages import (
        accounts,
        billing,
        clock,
        customers,
        queues,
        signin,
        subscriptions,
    )

    return [
        signin.router,
        customers.router,
        accounts.router,
        subscriptions.router,
        queues.router,
        billing.router,
        clock.router,
        _fallback,
    ]


def mount_console(app: FastAPI) -> None:
    settings = app.state.settings
    app.state.console_throttle = LoginThrottle(settings.console_login_attempts_per_minute)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
    for router in routers():
        app.include_router(router)
