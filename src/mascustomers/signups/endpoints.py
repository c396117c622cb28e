"""Signup operations (reference tag Signups)."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.signups import service
from mascustomers.signups.schemas import SignupCreate, SignupResult

router = APIRouter()
ACCEPTED: dict[int | str, dict[str, Any]] = {202: {"model": SignupResult, "description": "Risk decision r, x or n/a"}}


def decided(result: SignupResult, success: int) -> JSONResponse:
    """The reference's rule: success code for ``a``, 202 for ``r``, ``x`` and ``n/a``."""
    status = success if result.risk_decision == "a" else 202
    return JSONResponse(result.model_dump(mode="json"), status_code=status)


@router.post("/v2/orgs/{orgId}/signups", response_model=SignupResult, responses=ACCEPTED)
async def create_signup(
    orgId: str, body: SignupCreate, session: SessionDep, caller: CallerDep
) -> JSONResponse:
    """Add new customers including products purchased.

    One request creates, in one transaction, the sell, the customer (or reuses the one with the
    owner's document), its users, the account, the account bundle and every subscription asked
    for, and an ALTA work order. Risk decision ``a`` answers 200; ``r`` and ``n/a`` answer 202
    with the order held (PENDIENTE RIESGO, inventory kept); ``x`` answers 202 and stores only
    the rejected sell.
    """
    return decided(service.create_signup(session, caller=caller, body=body), 200)
