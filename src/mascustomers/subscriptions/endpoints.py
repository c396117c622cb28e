"""Subscription operations (reference tags Subscriptions, Products, Services, Bonuses, Barrings,
Consumption): thin routes, one service call each."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id
from mascustomers.risk.responses import accepted, decided
from mascustomers.routing.v2_route import V2Route
from mascustomers.subscriptions import (
    blocks,
    bonuses,
    devices,
    line_services,
    products,
    reads,
    sim_replacement,
)
from mascustomers.subscriptions.schemas import (
    BlockChange,
    BonusAdd,
    DeviceSaleCreate,
    DeviceSaleResult,
    ProductChange,
    RechargeDetail,
    RiskDecisionResult,
    ServiceSwitch,
    SimReplacement,
    SubscriptionBlocks,
    SubscriptionBonuses,
    SubscriptionDetail,
    SubscriptionDevices,
    SubscriptionProducts,
    SubscriptionServices,
)

router = APIRouter(route_class=V2Route)
LINE = "/v2/orgs/{orgId}/subscriptions/{subscriptionId}"

SubscriptionId = Annotated[Id, Path(description="subscription identifier")]
Include = Annotated[list[str] | None, Query(description="comma-separated or repeated")]


@router.get(LINE, response_model=SubscriptionDetail, response_model_exclude_unset=True)
def get_subscription(
    *,
    subscriptionId: SubscriptionId,
    session: SessionDep,
    caller: CallerDep,
    include: Include = None,
    query: Annotated[str | None, Query(description='{"include": ["origin"]}')] = None,
) -> SubscriptionDetail:
    """Returns subscription info given by subscriptionId.

    Use ``include`` to get ``origin`` (new, from portability, from migration …), ``selldate``
    (``sell_date``, when the line was sold) and ``historical_status`` (every status change,
    oldest first, with who made it). Those fields are present only when included.
    """
    wanted = reads.parse_include(include or [], allowed=reads.SUBSCRIPTION_INCLUDES, query=query)
    return reads.subscription_detail(
        session, caller=caller, subscription_id=subscriptionId, include=wanted
    )


@router.get(f"{LINE}/devices", response_model=SubscriptionDevices)
def get_devices(
    *, subscriptionId: SubscriptionId, session: SessionDep, caller: CallerDep
) -> SubscriptionDevices:
    """Returns devices subscription info given by subscriptionId.

    Each terminal with its status, sale, device, installment plans (``unpaid_installments``,
    what is still due today) and permanence (penalty pro rata of the days left).
    """
    return reads.devices_view(session, caller=caller, subscription_id=subscriptionId)


@router.post(
    f"{LINE}/devices",
    status_code=201,
    response_model=DeviceSaleResult,
    responses=accepted(DeviceSaleResult),
)
def add_device(
    *,
    subscriptionId: SubscriptionId,
    body: DeviceSaleCreate,
    session: SessionDep,
    caller: CallerDep,
) -> JSONResponse:
    """Add device to subscription.

    ``catalogue_id`` is mandatory (2.38). Risk decision ``a`` answers 201; ``r`` and ``n/a``
    answer 202 with the terminal held; ``x`` answers 202 with no terminal.
    """
    decision, terminal_id = devices.add_device(
        session, caller=caller, subscription_id=subscriptionId, body=body
    )
    result = DeviceSaleResult(risk_decision=decision.value, subscription_terminal_id=terminal_id)
    return decided(result, decision.value, 201)


@router.patch(
    f"{LINE}/sim-replacement",
    status_code=201,
    response_model=RiskDecisionResult,
    responses=accepted(RiskDecisionResult),
)
def replace_sim(
    *,
    subscriptionId: SubscriptionId,
    body: SimReplacement,
    session: SessionDep,
    caller: CallerDep,
) -> JSONResponse:
    """Replace sim icc to a new one.

    Contains dealer id, shop id (if present), offline/online value and new icc. Risk decision
    ``a`` answers 201 with the line on its new SIM; ``r``, ``x`` and ``n/a`` answer 202.
    """
    decision = sim_replacement.replace_sim(
        session, caller=caller, subscription_id=subscriptionId, body=body
    )
    return decided(RiskDecisionResult(risk_decision=decision.value), decision.value, 201)


@router.get(f"{LINE}/recharge/detail", response_model=RechargeDetail)
def get_recharges(
    *,
    subscriptionId: SubscriptionId,
    session: SessionDep,
    caller: CallerDep,
    start_date: date | None = None,
    end_date: date | None = None,
) -> RechargeDetail:
    """Get recharge details between two dates or actual month.

    If it doesn't include dates, it takes the current month. Prepaid lines only.
    """
    return reads.recharge_detail(
        session,
        caller=caller,
        subscription_id=subscriptionId,
        start_date=start_date,
        end_date=end_date,
        tz=caller.tz,
    )


@router.get(
    f"{LINE}/products", response_model=SubscriptionProducts, response_model_exclude_unset=True
)
def get_products(
    *,
    subscriptionId: SubscriptionId,
    session: SessionDep,
    caller: CallerDep,
    include: Include = None,
) -> SubscriptionProducts:
    """Returns current product including last change(s) and compatibilities.

    Use ``include`` to get ``compatibilities`` (compatible tariffs) and ``historical_changes``
    (tariff history, newest first, the current tariff on top). A pending scheduled change is
    shown under ``product.scheduled``.
    """
    wanted = reads.parse_include(include or [], allowed=reads.PRODUCT_INCLUDES)
    return reads.products_view(
        session, caller=caller, subscription_id=subscriptionId, include=wanted
    )


@router.patch(
    f"{LINE}/products",
    status_code=201,
    response_model=RiskDecisionResult,
    responses=accepted(RiskDecisionResult),
)
def change_product(
    *,
    subscriptionId: SubscriptionId,
    body: ProductChange,
    session: SessionDep,
    caller: CallerDep,
) -> JSONResponse:
    """Change subscription products given by new productId & subscriptionId.

    Bundled main line products can not be changed this way. With ``scheduled_date`` the change
    is scheduled for that day; without it, it is immediate. Risk decision ``a`` answers 201;
    ``r``, ``x`` and ``n/a`` answer 202.
    """
    decision = products.change_product(
        session, caller=caller, subscription_id=subscriptionId, body=body
    )
    return decided(RiskDecisionResult(risk_decision=decision.value), decision.value, 201)


@router.get(f"{LINE}/services", response_model=SubscriptionServices)
def get_services(
    *,
    subscriptionId: SubscriptionId,
    session: SessionDep,
    caller: CallerDep,
    filter: Annotated[str | None, Query(description="active or inactive")] = None,
) -> SubscriptionServices:
    """Returns an array of items with all the services associated to the subscriptionId given.

    Use ``filter`` to get ``active`` or ``inactive`` services.
    """
    return line_services.services_view(
        session, caller=caller, subscription_id=subscriptionId, filter=filter
    )


@router.patch(f"{LINE}/services/{{serviceId}}", status_code=201, response_class=Response)
def switch_service(
    *,
    subscriptionId: SubscriptionId,
    serviceId: Annotated[Id, Path(description="service identifier")],
    body: ServiceSwitch,
    session: SessionDep,
    caller: CallerDep,
) -> Response:
    """Change values of Active to 'True/False' given by serviceId & subscriptionId.

    Only services the catalogue marks changeable can be switched.
    """
    line_services.switch_service(
        session,
        caller=caller,
        subscription_id=subscriptionId,
        service_id=serviceId,
        active=body.active,
    )
    return Response(status_code=201)


@router.get(f"{LINE}/bonuses", response_model=SubscriptionBonuses)
def get_bonuses(
    *,
    subscriptionId: SubscriptionId,
    session: SessionDep,
    caller: CallerDep,
    filter: Annotated[
        list[str] | None, Query(description="active (without scheduled), actual, inactive")
    ] = None,
) -> SubscriptionBonuses:
    """Returns bonuses associated with the subscription; by default active and scheduled ones.

    ``filter`` (repeatable or comma-separated; several add up): ``active`` (in effect now,
    without scheduled), ``actual`` (active and scheduled: the default), ``inactive`` (ended,
    or removed before it took effect: ``end_date`` = ``start_date``). Every bonus the line
    ever had is listed by exactly one of ``actual`` and ``inactive``.
    """
    return bonuses.bonuses_view(
        session,
        caller=caller,
        subscription_id=subscriptionId,
        filters=bonuses.parse_filters(filter or []),
    )


@router.put(f"{LINE}/bonuses", status_code=201, response_class=Response)
def add_bonus(
    *,
    subscriptionId: SubscriptionId,
    body: BonusAdd,
    session: SessionDep,
    caller: CallerDep,
) -> Response:
    """Add a bonus (bonusId) to the subscription, now or from ``scheduled_date``.

    With ``scheduled_date`` it starts at 00:00 of that day (org time zone, after today). A
    bonus whose catalogue entry has ``duration_days`` N gets its ``end_date`` at once: the same
    wall-clock time N days after it starts, in the org's time zone; the scheduler ends it then
    (``BONUS_END``). Without ``duration_days`` it renews monthly until removed.
    """
    bonuses.add_bonus(
        session,
        caller=caller,
        subscription_id=subscriptionId,
        bonus_id=body.bonus_id,
        scheduled_date=body.scheduled_date,
    )
    return Response(status_code=201)


@router.delete(f"{LINE}/bonuses/{{bonusId}}", status_code=202, response_class=Response)
def remove_bonus(
    *,
    subscriptionId: SubscriptionId,
    bonusId: Annotated[Id, Path(description="bonus identifier")],
    session: SessionDep,
    caller: CallerDep,
    scheduled_date: Annotated[date | None, Query(description="date to execute it")] = None,
) -> Response:
    """Delete a bonus (bonusId) from the subscription, now or at ``scheduled_date``.

    Ends the active or scheduled bonus now, or at 00:00 of ``scheduled_date`` (org time
    zone); one that already ends by then keeps its end. One that has not started by then
    never takes effect: it is listed as inactive with ``end_date`` = ``start_date``. Nothing
    is deleted: ended bonuses stay under ``filter=inactive``.
    """
    bonuses.remove_bonus(
        session,
        caller=caller,
        subscription_id=subscriptionId,
        bonus_id=bonusId,
        scheduled_date=scheduled_date,
    )
    return Response(status_code=202)


@router.get(f"{LINE}/blocks", response_model=SubscriptionBlocks)
def get_blocks(
    *, subscriptionId: SubscriptionId, session: SessionDep, caller: CallerDep
) -> SubscriptionBlocks:
    """Returns the subscription's blocking reason, filtered results by theft or loss."""
    return blocks.blocks_view(session, caller=caller, subscription_id=subscriptionId)


@router.patch(f"{LINE}/blocks/{{blockId}}", status_code=201, response_class=Response)
def change_block(
    *,
    subscriptionId: SubscriptionId,
    blockId: Annotated[Id, Path(le=2, description="block identifier (only allow 1 or 2)")],
    body: BlockChange,
    session: SessionDep,
    caller: CallerDep,
) -> Response:
    """Change to Block / Unblock SIM_CARD with origin theft or loss.

    ``blockId`` 1 is theft (ROBO), 2 loss (PERDIDA). While blocked, the SIM can be replaced
    only in a shop, and that replacement lifts the block.
    """
    blocks.change_block(
        session, caller=caller, subscription_id=subscriptionId, block_id=blockId, body=body
    )
    return Response(status_code=201)
