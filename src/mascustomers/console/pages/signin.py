"""Sign in and out.

The password is checked off the event loop (argon2 costs ~0.25 s of CPU) and before the write
lock is taken; then the outcome is recorded in the same request: a wrong password counts
towards the lock-out, the right one opens a session (a fresh token: no session fixation).
"""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session
from sqlalchemy.util import await_only

from mascustomers.console import service
from mascustomers.console.dependencies import FormDep, StaffDep, signed_form
from mascustomers.console.forms import CSRF_FIELD, same_token
from mascustomers.console.passwords import verify_password
from mascustomers.console.rendering import (
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    is_secure,
    redirect,
    render,
    set_session_cookie,
)
from mascustomers.console.route import ConsoleRoute
from mascustomers.db.dependencies import READ_ONLY_EXTRA, SessionDep
from mascustomers.db.engine import begin_for_write

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
NextPath = Annotated[str, Query(max_length=300)]


def _safe_next(path: str | None) -> str:
    """Only a console path is followed after signing in (never another site)."""
    if path and path.startswith(f"{PREFIX}/") and not path.startswith("//") and "\\" not in path:
        return path
    return f"{PREFIX}/"


def _login_page(
    request: Request,
    *,
    status_code: int = 200,
    problem: str | None = None,
    org: str = "",
    username: str = "",
    next_path: str = "",
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        problem=problem,
        login_token=token,
        org=org,
        username=username,
        next_path=_safe_next(next_path),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path=PREFIX,
        httponly=True,
        secure=is_secure(request),
        samesite="lax",
    )
    return response


@router.get(f"{PREFIX}/login")
def login_form(request: Request, *, next: NextPath = "") -> Response:
    """The sign-in form."""
    return _login_page(request, next_path=next)


def _off_loop(stored: str | None, password: str) -> bool:
    # Inside the request's greenlet: the hash runs on a worker thread while the loop serves.
    verified: bool = await_only(anyio.to_thread.run_sync(verify_password, stored, password))
    return verified


@router.post(f"{PREFIX}/sign-in", openapi_extra={READ_ONLY_EXTRA: True})
def login(request: Request, *, session: SessionDep, form: FormDep) -> Response:
    """Check the password; record a failure (lock-out at the limit) or open a session."""
    settings = request.app.state.settings
    org, username = (form.get("org") or "").strip(), (form.get("username") or "").strip()
    again = {"org": org, "username": username, "next_path": form.get("next") or ""}
    if not same_token(form.get(CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_page(
            request, status_code=403, problem="The form expired: try again.", **again
        )
    address = request.client.host if request.client else "unknown"
    if not request.app.state.console_throttle.allow(address):
        return _login_page(
            request, status_code=429, problem="Too many sign-in attempts: wait a minute.", **again
        )
    now = datetime.now(UTC)
    candidate = service.login_candidate(session, org_slug=org, username=username)
    if candidate.user_id is not None and service.is_locked(candidate, now):
        return _locked(request, candidate.locked_until, again)
    verified = _off_loop(candidate.password_hash, form.get("password") or "")
    _writing(session)
    if candidate.user_id is None:
        return _wrong(request, again)
    if not verified:
        locked_until = service.record_failure(
            session,
            user_id=candidate.user_id,
            now=now,
            max_failures=settings.console_max_failed_logins,
            lockout=timedelta(minutes=settings.console_lockout_minutes),
        )
        return _locked(request, locked_until, again) if locked_until else _wrong(request, again)
    lifetime = timedelta(hours=settings.console_session_hours)
    opened = service.sign_in(session, user_id=candidate.user_id, now=now, lifetime=lifetime)
    if opened is None:
        return _locked(request, None, again)
    response = redirect(request, _safe_next(form.get("next")))
    set_session_cookie(request, response, opened.token, int(lifetime.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


def _writing(session: Session) -> None:
    """End the read and take the write lock (SQLite) to record the outcome."""
    if session.in_transaction():
        session.commit()
    begin_for_write(session)


def _wrong(request: Request, again: dict[str, str]) -> Response:
    # One message for an unknown user and a wrong password: no name is confirmed.
    return _login_page(
        request, status_code=401, problem="Wrong organisation, user name or password.", **again
    )


def _locked(request: Request, until: datetime | None, again: dict[str, str]) -> Response:
    when = f" until {until:%H:%M} UTC" if until else ""
    return _login_page(
        request,
        status_code=423,
        problem=f"Too many wrong passwords: this user is locked{when}.",
        **again,
    )


@router.post(f"{PREFIX}/logout")
def logout(
    request: Request, *, session: SessionDep, staff: Annotated[service.Staff, Depends(signed_form)]
) -> Response:
    """End this browser's session (the row is deleted: the cookie is worthless from now)."""
    token = request.cookies.get(SESSION_COOKIE) or ""
    service.sign_out(session, token=token)
    response = redirect(request, f"{PREFIX}/login", flash=f"{staff.username} signed out.")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


__all__ = ["StaffDep", "router"]
