"""The caller of a request as services see it: org, actor name, the org's now, origin IP."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request

from mascustomers.auth.context import AuthContext
from mascustomers.auth.dependencies import authenticate
from mascustomers.kit.clock import clock_for

ORIGIN_IP_HEADER = "x-origin-ip"


@dataclass(frozen=True)
class Caller:
    org_id: int
    org_slug: str
    actor: str
    now: datetime
    today: date
    origin_ip: str | None = None


def _origin_ip(request: Request) -> str | None:
    explicit = request.headers.get(ORIGIN_IP_HEADER)
    if explicit:
        return explicit.strip()[:45]
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()[:45]
    return request.client.host if request.client else None


async def current_caller(
    request: Request, auth: Annotated[AuthContext, Depends(authenticate)]
) -> Caller:
    clock = clock_for(auth.org_slug)
    now = clock.now()
    return Caller(
        org_id=auth.org_id,
        org_slug=auth.org_slug,
        actor=auth.key_name,
        now=now,
        today=clock.today(request.app.state.settings.default_timezone),
        origin_ip=_origin_ip(request),
    )


CallerDep = Annotated[Caller, Depends(current_caller)]
