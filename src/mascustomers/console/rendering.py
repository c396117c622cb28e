"""Pages out: Jinja2 templates (autoescaped), flash messages, the console's cookies and headers."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.errors import DomainError, ErrorCode

PREFIX = "/console"
SESSION_COOKIE = "mc_console_session"
LOGIN_CSRF_COOKIE = "mc_console_login"
FLASH_COOKIE = "mc_console_flash"

# Everything the pages load comes from the package itself; no inline script or style.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_ENV = Environment(
    loader=PackageLoader("mascustomers.console", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _money(value: Decimal | float | int | str | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)):,.2f} €"


def _when(value: datetime | str | None, tz: str = "Europe/Madrid") -> str:
    """An instant in the org's time zone, ``2026-12-04 17:05``; a date as ``2026-12-04``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _master(kind: str, item_id: int | None) -> str:
    """A master-data id's Spanish label (``subscription_statuses``, 3 → ACTIVO)."""
    if item_id is None:
        return "—"
    found = master_data.entry(MasterDataList(kind), item_id)
    return found.value if found is not None else str(item_id)


_ENV.globals["master"] = _master
_ENV.filters["money"] = _money
_ENV.filters["when"] = _when


def url_with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None drops one)."""
    params = dict(request.query_params)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = str(value)
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


_ENV.globals["url_with"] = url_with
_ENV.globals["PREFIX"] = PREFIX


def is_secure(request: Request) -> bool:
    """Over https (uvicorn's ``--proxy-headers`` sets the scheme behind a trusted proxy)."""
    return request.url.scheme == "https"


def _headed(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    """The page, with the flash message a redirect left for it (shown once)."""
    flash = request.cookies.get(FLASH_COOKIE)
    html = _ENV.get_template(template).render(
        request=request,
        staff=getattr(request.state, "staff", None),
        flash=unquote(flash) if flash else None,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path=PREFIX)
    return _headed(response)


def redirect(request: Request, url: str, *, flash: str | None = None) -> Response:
    """303 to ``url`` (a browser then GETs it), with a one-time message for that page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE,
            quote(flash[:500]),
            max_age=60,
            path=PREFIX,
            httponly=True,
            secure=is_secure(request),
            samesite="lax",
        )
    return _headed(response)


def set_session_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path=PREFIX,
        httponly=True,
        secure=is_secure(request),
        samesite="lax",
    )


def back_url(request: Request, fallback: str) -> str:
    """Where a refused action's page links back to: the form's ``back`` if it is a console
    path (never another site), else ``fallback``."""
    form = getattr(request.state, "console_form", None)
    back = form.get("back") if form is not None else None
    if back and back.startswith(f"{PREFIX}/") and not back.startswith("//"):
        return str(back)
    return fallback


def refusal(request: Request, error: ErrorCode, detail: str) -> Response:
    """The refusal as the API answers it (the same ``ErrorMessage`` fields), as a page."""
    status = error.http_status
    template = "not_found.html" if status == 404 else "refusal.html"
    return render(
        request,
        template,
        status_code=status,
        code=error.code,
        message=error.message,
        detail=detail,
        back=back_url(request, f"{PREFIX}/"),
    )


def domain_refusal(request: Request, error: DomainError) -> Response:
    return refusal(request, error.error, error.detail)
