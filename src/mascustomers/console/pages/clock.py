"""A sandbox org's test clock: its time, and moving it forward with what ran on the way."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.clocks import service as scheduler_service
from mascustomers.clocks.schemas import ClockAdvance, ClockAdvanced
from mascustomers.console.dependencies import FormDep, StaffDep, may_change
from mascustomers.console.paging import Page
from mascustomers.console.rendering import PREFIX, render
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.service import Staff
from mascustomers.db.dependencies import SessionDep

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Operations = Annotated[Staff, Depends(may_change(Permission.OPERATIONS))]
# What ran is shown whole on the page that advanced (it is that request's answer).
RAN_SHOWN = 500


def _page(
    request: Request, session: SessionDep, staff: Staff, advanced: ClockAdvanced | None
) -> Response:
    org = auth_service.get_org(session, slug=staff.org_slug)
    ran = advanced.ran if advanced is not None else []
    return render(
        request,
        "clock.html",
        clock=scheduler_service.clock_view(session, org=org),
        advanced=advanced,
        ran=Page.of_list(ran, 1, RAN_SHOWN),
        Permission=Permission,
    )


@router.get(f"{PREFIX}/clock")
def clock(request: Request, *, session: SessionDep, staff: StaffDep) -> Response:
    """GET ops/clock: the org's current time."""
    return _page(request, session, staff, None)


@router.post(f"{PREFIX}/clock/advance")
def advance(request: Request, *, session: SessionDep, staff: Operations, form: FormDep) -> Response:
    """POST ops/clock: move the org's time forward and run what falls due, in order."""
    body = ClockAdvance.model_validate({"advance_to": form.text("advance_to")})
    org = auth_service.get_org(session, slug=staff.org_slug)
    advanced = scheduler_service.advance_clock(session, org=org, to=body.advance_to)
    return _page(request, session, staff, advanced)
