"""Signup operations (reference tags Signups and Account migrations)."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.errors import ValidationFailed
from mascustomers.risk.responses import accepted, decided
from mascustomers.routing.v2_route import V2Route
from mascustomers.signups import activation, add_lines, migration, reads, service
from mascustomers.signups.schemas import (
    ActivateSim,
    AddLinesCreate,
    MigrationCreate,
    RiskDecisionResult,
    SellFilter,
    SellList,
    SignupCreate,
    SignupResult,
)
from mascustomers.subscriptions.states import SubscriptionStatus

router = APIRouter(route_class=V2Route)
SIGNUPS_EXTENSION = {"x-permission": "signups"}


@router.post(
    "/v2/orgs/{orgId}/signups", response_model=SignupResult, responses=accepted(SignupResult)
)
def create_signup(body: SignupCreate, session: SessionDep, caller: CallerDep) -> JSONResponse:
    """Add new customers including products purchased.

    One request creates, in one transaction, the sell, the customer (or reuses the one with the
    owner's document), its users, the account, the account bundle and every subscription asked
    for, and an ALTA work order. Risk decision ``a`` answers 200; ``r`` and ``n/a`` answer 202
    with the order held (PENDIENTE RIESGO, inventory kept); ``x`` answers 202 and stores only
    the rejected sell.

    ``clients.attributes`` (the reference shows ``[{}]``) is this service's choice: a list of
    people (schema ``ClientAttributes``), exactly one with ``role: "owner"``, the customer:
    ``type_id`` (1 PARTICULAR, 2 EMPRESA with ``company`` and a ``responsable``, 3 AUTONOMO),
    ``document_type_id`` (1 NIF, 2 NIE, 3 CIF, 4 PASAPORTE) and ``document_value`` (its
    check letter verified), ``first_name``, ``last_name``, ``gender``, ``birthdate``,
    ``email``, ``phone``, ``nationality_id``, ``language_id`` and ``address`` (master-data
    ids; the ``postal_code`` must belong to ``state_id``). An owner whose document the org
    already has signs up as that customer. Other items, ``role: "line_user"``, name the line
    they use in ``line_msisdn``. Walkthrough: ``docs/first-signup.md``.
    """
    result = service.create_signup(session, caller=caller, body=body)
    return decided(result, result.risk_decision, 200)


@router.post(
    "/v2/orgs/{orgId}/signups/subscriptions",
    response_model=RiskDecisionResult,
    responses=accepted(RiskDecisionResult),
)
def add_subscriptions(body: AddLinesCreate, session: SessionDep, caller: CallerDep) -> JSONResponse:
    """Add a new mobile line or tv subscription to an existing convergent account.

    The account must be active and its bundle must allow the line type and product (and have
    room for another additional line). ``client.attributes.employment`` is accepted and ignored.
    """
    decision = add_lines.add_lines(session, caller=caller, body=body)
    return decided(RiskDecisionResult(risk_decision=decision.value), decision.value, 200)


@router.post(
    "/v2/orgs/{orgId}/signups/migration",
    response_model=RiskDecisionResult,
    responses=accepted(RiskDecisionResult),
)
def migrate_bundle(body: MigrationCreate, session: SessionDep, caller: CallerDep) -> JSONResponse:
    """Migrate bundle account to another bundle.

    With only ``account_id`` and ``new_bundle_id``, every line keeps its product when the new
    bundle allows it; main lines and fixed access take the new bundle's product otherwise, and
    an additional or extra line without a valid destination is refused (400, naming the line).
    """
    decision = migration.migrate(session, caller=caller, body=body)
    return decided(RiskDecisionResult(risk_decision=decision.value), decision.value, 200)


class Activated(BaseModel):
    msisdn: str
    status: dict[str, int | str]


@router.patch("/v2/orgs/{orgId}/signups/activate-sim", response_model=Activated)
def activate_sim(body: ActivateSim, session: SessionDep, caller: CallerDep) -> Activated:
    """Activate the shipped SIM of the line with this MSISDN (PENDIENTE ALTA → ACTIVO)."""
    activation.activate_sim(session, caller=caller, msisdn=body.msisdn)
    active = SubscriptionStatus.ACTIVO
    return Activated(msisdn=body.msisdn, status={"id": int(active), "value": active.label})


@router.get(
    "/v2/orgs/{orgId}/signups",
    response_model=SellList,
    tags=["Signups"],
    openapi_extra=SIGNUPS_EXTENSION,
)
def list_signups(
    session: SessionDep,
    caller: CallerDep,
    query: Annotated[SellFilter, Query()],
) -> SellList:
    """List the org's sells (changelog 2.29.0), newest first, with their work order.

    Filter by ``work_order_id``, ``customer_id`` and a creation date range (org time zone).
    """
    if query.start_date and query.end_date and query.end_date < query.start_date:
        raise ValidationFailed("end_date: must not be before start_date")
    return reads.list_sells(
        session,
        org_id=caller.org_id,
        tz=caller.tz,
        query_filter=query,
    )
