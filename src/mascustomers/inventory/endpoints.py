"""Signups reads of the inventory (reference tag Signups): free numbers and SIM cards of the
pool, and one SIM card's details."""

from typing import Annotated

from fastapi import APIRouter, Query

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.schemas import AvailableIccids, AvailableMsisdns, SimcardInfo
from mascustomers.kit.clock import format_date, local_date
from mascustomers.kit.request_fields import Limit
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)


@router.get(
    "/v2/orgs/{orgId}/signups/available-msisdns/{host_cfg}", response_model=AvailableMsisdns
)
def available_msisdns(
    host_cfg: str,
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[Limit, Query(le=100, description="how many numbers (1-100)")] = 10,
) -> AvailableMsisdns:
    """Get available msisdns for YOIGO network (only mobile numbers).

    ``host_cfg`` is the network's name (``YOIGO``) or id (``1``); any other network answers
    400. The numbers are free in the org's pool now, read from a random point of the pool so
    that channels asking at once are offered different numbers; listing a number does not hold
    it: the signup that names it in ``mobile_line.msisdn`` takes it, or fails if another
    order took it first.
    """
    network = inventory_service.resolve_network(host_cfg)
    numbers = inventory_service.available_numbers(
        session, org_id=caller.org_id, host_cfg_id=network, limit=limit
    )
    return AvailableMsisdns(host_cfg_id=network, available_msisdns=numbers)


@router.get(
    "/v2/orgs/{orgId}/signups/available-iccids",
    response_model=AvailableIccids,
    tags=["Signups"],
    openapi_extra={"x-permission": "signups"},
)
def available_iccids(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100, description="page size (1-100)")] = 10,
    after: Annotated[
        str | None,
        Query(
            pattern=r"^\d{19,20}$",
            description="the last ICCID of the previous page (its ``next_after``)",
        ),
    ] = None,
) -> AvailableIccids:
    """List SIM cards in stock (extension): what a signup's ``mobile_line.iccid`` takes.

    ICCIDs of the org's cards with status 1 DISPONIBLE, ascending, 19-20 digits with their
    Luhn check digit; a page of ``limit`` after ``after``. ``next_after`` is the value for the
    next page (null on the last). Listing a card does not hold it: the order that names it
    takes it, or fails (400) if another order took it first. Permission ``signups``.
    """
    iccids = inventory_service.available_iccids(
        session, org_id=caller.org_id, limit=limit, after=after
    )
    return AvailableIccids(
        available_iccids=iccids, next_after=iccids[-1] if len(iccids) == limit else None
    )


@router.get("/v2/orgs/{orgId}/signups/simcard-info/{iccid}", response_model=SimcardInfo)
def simcard_info(iccid: str, session: SessionDep, caller: CallerDep) -> SimcardInfo:
    """Returns simcard info from provided icc.

    ``iccid`` is the card's 19 or 20 digits with its Luhn check digit (400 if malformed, 404 if
    the org has no such card). Dates are calendar dates in the org's time zone.
    """
    sim = inventory_service.simcard(session, org_id=caller.org_id, iccid=iccid)
    tz = caller.tz
    return SimcardInfo(
        simcard_status_id=sim.status_id,
        origin_id=sim.origin_id,
        create_date=format_date(local_date(sim.created_at, tz)),
        last_status_date=format_date(local_date(sim.last_status_at, tz)),
        promotion_code=sim.promotion_code,
        society_id=sim.society_id,
        initial_balance=sim.initial_balance,
    )
