"""Test clocks of sandbox orgs: ``GET`` / ``POST /v2/orgs/{orgId}/ops/clock`` (permission
``operations``). Not in the reference: the sandbox counterpart of Stripe's or Kill Bill's
test clocks (DESIGN §7)."""

from typing import Any

from fastapi import APIRouter

from mascustomers.auth import service as auth_service
from mascustomers.auth.caller import CallerDep
from mascustomers.clocks import service as clocks_service
from mascustomers.clocks.schemas import ClockAdvance, ClockAdvanced, OrgClockView
from mascustomers.db.dependencies import SessionDep
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)
OPS = "/v2/orgs/{orgId}/ops"
EXTRA: dict[str, Any] = {"x-permission": "operations"}
TAGS: list[str | Any] = ["Operations"]


@router.get(f"{OPS}/clock", response_model=OrgClockView, tags=TAGS, openapi_extra=EXTRA)
def get_clock(session: SessionDep, caller: CallerDep) -> OrgClockView:
    """The org's current time: its test clock when it has one, else the real time."""
    org = auth_service.get_org(session, slug=caller.org_slug)
    return clocks_service.clock_view(session, org=org)


@router.post(f"{OPS}/clock", response_model=ClockAdvanced, tags=TAGS, openapi_extra=EXTRA)
def advance_clock(body: ClockAdvance, session: SessionDep, caller: CallerDep) -> ClockAdvanced:
    """Move a sandbox org's time forward to ``advance_to`` and run everything that falls due.

    Scheduled operations (tariff changes, bonus starts and ends, portability windows,
    deactivations, …) run in order of due time, each with its own due time as "now", and
    every billing cycle (calendar month in the org's time zone) that closes on the way is
    billed at its close. Each runs in its own transaction, which also moves the clock there.
    The answer lists what ran, in order. Only sandbox orgs have test clocks (400 ``0100``);
    the time only moves forward (400 ``0101``), at most 3660 days per call (400 ``0102``).
    """
    org = auth_service.get_org(session, slug=caller.org_slug)
    return clocks_service.advance_clock(session, org=org, to=body.advance_to)
