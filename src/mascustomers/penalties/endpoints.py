"""Penalty operations (reference tag Penalties)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import WRITES_EXTRA, SessionDep
from mascustomers.errors import ValidationFailed
from mascustomers.kit.request_fields import MAX_ID, Id
from mascustomers.penalties import service
from mascustomers.penalties.schemas import ComputedPenalty, Penalty
from mascustomers.penalties.states import AccountReason, LineReason
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)

ACCOUNT_REASON = Query(description="unsubscribe or cancel")
LINE_REASON = Query(description="broadband_subscription, device or mobile")
# These GETs store what they compute: the route begins them as writers (db.dependencies).
WRITES: dict[str, Any] = {WRITES_EXTRA: True}


def _answer(stored: service.StoredPenalty) -> list[ComputedPenalty]:
    return [
        ComputedPenalty(
            computed_penalty_id=stored.penalty.id,
            mobile_operator_id=stored.penalty.mobile_operator_id,
            penalties=[Penalty.of(line) for line in stored.lines],
        )
    ]


@router.get(
    "/v2/orgs/{orgId}/penalties/{accountId}",
    response_model=list[ComputedPenalty],
    openapi_extra=WRITES,
)
def account_penalties(
    accountId: Id,
    reason: Annotated[AccountReason, ACCOUNT_REASON],
    session: SessionDep,
    caller: CallerDep,
) -> list[ComputedPenalty]:
    """Get account penalties by account id. Two different penalties can be obtained, for
    unsubscribing or for cancelling.

    The answer is a computed penalty (COMPUTED) to confirm with PUT. ``unsubscribe``: one
    line per open commitment of the account (pro rata of the days left); ``cancel``: the
    administrative cost (ADMCOSTCANCELCOST) of each open order still to provision.

    Repeated calls do not pile up computations: while the answer stays the same, each call
    returns the same unconfirmed computation (same ids); when it changes, a new one is stored
    and the earlier unconfirmed ones of the same account, line and reason become SUPERSEDED
    (kept; confirming one answers 400, code 0096). At most one is confirmable at a time.
    """
    stored = service.compute_for_account(
        session,
        org_id=caller.org_id,
        account_id=accountId,
        reason=reason,
        now=caller.now,
        today=caller.today,
    )
    return _answer(stored)


@router.get(
    "/v2/orgs/{orgId}/penalties/{accountId}/subscriptions/{subscriptionId}",
    response_model=list[ComputedPenalty],
    openapi_extra=WRITES,
)
def subscription_penalties(
    accountId: Id,
    subscriptionId: Id,
    *,
    reason: Annotated[LineReason, LINE_REASON],
    session: SessionDep,
    caller: CallerDep,
) -> list[ComputedPenalty]:
    """Get account penalties by account and subscription ids. Three different penalties can be
    obtained, for unsubscribing a broadband subscription, for migrating a subscription that has
    a device linked to it, or for mobile only unsubscribing.

    ``broadband_subscription`` (fixed lines): the line's and its bundle's commitments;
    ``device``: the line's terminal commitments; ``mobile`` (mobile lines): the line's
    commitments. A reason that does not fit the line answers 400 (code 0086).

    Repeated calls do not pile up computations: while the answer stays the same, each call
    returns the same unconfirmed computation (same ids); when it changes, a new one is stored
    and the earlier unconfirmed ones of the same account, line and reason become SUPERSEDED
    (kept; confirming one answers 400, code 0096). At most one is confirmable at a time.
    """
    stored = service.compute_for_line(
        session,
        org_id=caller.org_id,
        account_id=accountId,
        subscription_id=subscriptionId,
        reason=reason,
        now=caller.now,
        today=caller.today,
    )
    return _answer(stored)


@router.get(
    "/v2/orgs/{orgId}/penalties/{accountId}/subscriptions/uuid/{subscriptionUUID}",
    response_model=list[ComputedPenalty],
    openapi_extra=WRITES,
)
def subscription_uuid_penalties(
    accountId: Id,
    subscriptionUUID: str,
    *,
    session: SessionDep,
    caller: CallerDep,
    reason: Annotated[LineReason | None, LINE_REASON] = None,
) -> list[ComputedPenalty]:
    """Get account penalties by account and subscription UUID. Three different penalties can be
    obtained, for unsubscribing a broadband subscription, for migrating a subscription that has
    a device linked to it, or for mobile only unsubscribing.

    The reference gives this operation no ``reason``; without one it is inferred from the line
    (fixed → broadband_subscription, mobile → mobile, other lines: their own commitments).

    Repeated calls do not pile up computations: while the answer stays the same, each call
    returns the same unconfirmed computation (same ids); when it changes, a new one is stored
    and the earlier unconfirmed ones of the same account, line and reason become SUPERSEDED
    (kept; confirming one answers 400, code 0096). At most one is confirmable at a time.
    """
    stored = service.compute_for_line(
        session,
        org_id=caller.org_id,
        account_id=accountId,
        subscription_uuid=subscriptionUUID,
        reason=reason,
        now=caller.now,
        today=caller.today,
    )
    return _answer(stored)


def _is_id(text: str) -> bool:
    """ASCII digits ("²".isdigit() is true, int("²") fails) short enough to convert, in range."""
    return text.isascii() and text.isdigit() and len(text) <= 19 and 1 <= int(text) <= MAX_ID


def _penalty_ids(values: list[str] | None) -> list[int] | None:
    """``?penalties=1&penalties=2`` or ``?penalties=1,2``; empty means every line."""
    if not values:
        return None
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not all(_is_id(part) for part in parts):
        raise ValidationFailed(
            f"penalties: must be penalty ids (integers 1-{MAX_ID})", field="penalties"
        )
    return [int(part) for part in parts] or None


@router.put("/v2/orgs/{orgId}/penalties/{computePenaltyId}", response_class=Response)
def confirm_penalty(
    computePenaltyId: Id,
    session: SessionDep,
    caller: CallerDep,
    penalties: Annotated[
        list[str] | None,
        Query(description="optional array of penalties for specific calculation"),
    ] = None,
) -> Response:
    """Put computed penalty to confirm penalties. Computed penalty id is obtained through the
    GET penalties method (account or subscription).

    COMPUTED → CONFIRMED; the confirmed lines are charged on the next invoice. ``penalties``
    confirms only those lines (mandatory ones always are). Confirming twice: 400 (0080); a
    deleted penalty: 400 (0081); an id not in this penalty: 400 (0084); a commitment another
    confirmed penalty charges: 400 (0085); a computation a newer one of the same account,
    line and reason superseded: 400 (0096, naming the newer one). Answers 200 with no body,
    as the reference.
    """
    service.confirm(
        session,
        org_id=caller.org_id,
        computed_penalty_id=computePenaltyId,
        line_ids=_penalty_ids(penalties),
        now=caller.now,
    )
    return Response(status_code=200)


@router.delete("/v2/orgs/{orgId}/penalties/{computePenaltyId}", response_class=Response)
def delete_penalty(computePenaltyId: Id, session: SessionDep, caller: CallerDep) -> Response:
    """Deletes already confirmed penalty with PUT method. Computed penalty id is obtained
    through the GET penalties method (account or subscription).

    CONFIRMED → DELETED, its lines withdrawn. Not confirmed (computed or already deleted): 400
    (0082); a line already invoiced: 400 (0083). Answers 200 with no body, as the reference.
    """
    service.delete(
        session, org_id=caller.org_id, computed_penalty_id=computePenaltyId, now=caller.now
    )
    return Response(status_code=200)
