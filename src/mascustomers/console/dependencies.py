"""Who is signed in, may they change this, and the ``Caller`` the services record them as."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller, caller_at, origin_ip, test_clocks
from mascustomers.auth.permissions import Permission
from mascustomers.console import service
from mascustomers.console.forms import Form, check_csrf, read_form
from mascustomers.console.rendering import SESSION_COOKIE
from mascustomers.console.route import SignInNeeded
from mascustomers.console.service import Staff
from mascustomers.db.database import run_sync
from mascustomers.db.dependencies import db_session
from mascustomers.errors import PermissionDenied


async def current_staff(request: Request) -> Staff:
    """The signed-in staff user, read from the session table in the request's transaction."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInNeeded
    session = await db_session(request)
    staff = await run_sync(service.authenticate, session, token=token, now=datetime.now(UTC))
    if staff is None:
        raise SignInNeeded
    request.state.staff = staff
    return staff


StaffDep = Annotated[Staff, Depends(current_staff)]
FormDep = Annotated[Form, Depends(read_form)]


def may_change(permission: Permission) -> Callable[..., Awaitable[Staff]]:
    """A form post by a signed-in user whose role grants ``permission``: the form must carry
    the session's CSRF token (403 otherwise), and the role the permission the API route that
    makes the same change demands of a key (403, code 0004, nothing written)."""

    async def check(request: Request, staff: StaffDep, form: FormDep) -> Staff:
        check_csrf(request, form, staff.csrf_token)
        if not staff.role.may(permission):
            raise PermissionDenied(
                f"the {staff.role.label} role lacks the {permission.value!r} permission"
            )
        return staff

    return check


async def signed_form(request: Request, staff: StaffDep, form: FormDep) -> Staff:
    """A form post that changes nothing of the business (signing out): the CSRF check only."""
    check_csrf(request, form, staff.csrf_token)
    return staff


def _caller(request: Request, session: Session, staff: Staff) -> Caller:
    instant = None
    if staff.is_sandbox:
        instant = test_clocks.instant(session, org_id=staff.org_id, org_slug=staff.org_slug)
    return caller_at(
        instant,
        org_id=staff.org_id,
        org_slug=staff.org_slug,
        actor=staff.username,
        timezone=staff.timezone,
        origin_ip=origin_ip(request),
    )


async def staff_caller(request: Request, staff: StaffDep) -> Caller:
    """The caller the services see: the staff user's name is the actor of every history."""
    session = await db_session(request)
    return await run_sync(_caller, request, session, staff)


CallerDep = Annotated[Caller, Depends(staff_caller)]
