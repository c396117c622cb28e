"""``mount_console(app)``: the console's pages, its static files and its sign-in throttle."""

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from mascustomers.console.dependencies import StaffDep
from mascustomers.console.rendering import PREFIX, redirect
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.throttle import LoginThrottle

STATIC = Path(__file__).resolve().parent / "static"

_fallback = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@_fallback.get(PREFIX)
def bare(request: Request, staff: StaffDep) -> Response:
    """``/console`` without the slash: the search page."""
    return redirect(request, f"{PREFIX}/")


def routers() -> list[APIRouter]:
    from mascustomers.console.pages import (
        accounts,
        billing,
        clock,
        customers,
        queues,
        signin,
        subscriptions,
        webhooks,
    )

    return [
        signin.router,
        customers.router,
        accounts.router,
        subscriptions.router,
        queues.router,
        webhooks.router,
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
