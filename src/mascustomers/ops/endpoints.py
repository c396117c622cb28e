"""Back-office operations under ``/v2/orgs/{orgId}/ops`` (permission ``operations``).

Not in the reference: what an operator's back office does besides the channels (DESIGN §7).
Errors are ``ErrorMessage`` with the codes of ``errors.ErrorCode`` (0089-0095 are these).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id, Limit, Offset
from mascustomers.ops import service
from mascustomers.ops.schemas import (
    HeldOrder,
    HeldOrders,
    Note,
    PaymentCreate,
    PaymentResult,
    RechargeCreate,
    RechargeResult,
    TaxPeriod,
    TaxProvinceChange,
    TerminationCreate,
    TerminationResult,
    WorkOrderView,
)
from mascustomers.orders import holds, terminations
from mascustomers.orders import service as orders_service
from mascustomers.routing.v2_route import V2Route
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.change_types import ChangeType

router = APIRouter(route_class=V2Route)
OPS = "/v2/orgs/{orgId}/ops"
EXTRA: dict[str, Any] = {"x-permission": "operations"}
TAGS: list[str | Any] = ["Operations"]


@router.get(f"{OPS}/risk-holds", response_model=HeldOrders, tags=TAGS, openapi_extra=EXTRA)
def list_risk_holds(
    *,
    session: SessionDep,
    caller: CallerDep,
    kind: Annotated[str | None, Query(max_length=20, description="SIGNUP, ADD_LINES…")] = None,
    limit: Annotated[Limit, Query(le=500)] = 100,
    offset: Offset = 0,
) -> HeldOrders:
    """Orders held by risk (decision ``r`` or ``n/a``), oldest first, with lines and work orders."""
    found = holds.list_holds(session, org_id=caller.org_id, kind=kind, limit=limit, offset=offset)
    return HeldOrders.of(found, limit, offset)


@router.post(
    f"{OPS}/risk-holds/{{sellId}}/approve", response_model=HeldOrder, tags=TAGS, openapi_extra=EXTRA
)
def approve_risk_hold(sellId: Id, session: SessionDep, caller: CallerDep) -> HeldOrder:
    """Approve a held order: its lines go where an approved order puts them (mobile with the
    SIM handed in the shop → ACTIVO, shipped or ported → PENDIENTE ALTA, fixed and TV →
    PENDIENTE INSTALACION, OTT → ACTIVO), the account → ACTIVO, its work order → PENDIENTE
    CREAR OT. Held signups, added lines and device sales only (else 400, 0091); an order not
    held: 400 (0090).
    """
    decision = holds.approve(session, caller=caller, sell_id=sellId)
    return HeldOrder.of(decision)


@router.post(
    f"{OPS}/risk-holds/{{sellId}}/reject", response_model=HeldOrder, tags=TAGS, openapi_extra=EXTRA
)
def reject_risk_hold(sellId: Id, session: SessionDep, caller: CallerDep) -> HeldOrder:
    """Reject a held order: its lines → CANCELADO with numbers and SIMs back in stock, held
    terminals cancelled, work orders → CANCELADA, the account closed if nothing is left.
    """
    return HeldOrder.of(holds.reject(session, caller=caller, sell_id=sellId))


@router.get(
    f"{OPS}/work-orders/{{workOrderId}}",
    response_model=WorkOrderView,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def get_work_order(workOrderId: str, session: SessionDep, caller: CallerDep) -> WorkOrderView:
    """A work order with its lines and status history."""
    order = workorders_service.find(session, org_id=caller.org_id, work_order_id=workOrderId)
    return WorkOrderView.of(session, order)


def _change(
    session: SessionDep, caller: CallerDep, work_order_id: str, change: ChangeType, note: Note
) -> WorkOrderView:
    order = orders_service.change_from_back_office(
        session, caller=caller, work_order_id=work_order_id, change=change, reason=note.reason
    )
    return WorkOrderView.of(session, order)


@router.post(
    f"{OPS}/work-orders/{{workOrderId}}/complete",
    response_model=WorkOrderView,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def complete_work_order(
    workOrderId: str, session: SessionDep, caller: CallerDep, body: Note | None = None
) -> WorkOrderView:
    """Provisioning done: change-order COMPLETE, by the same table (docs/work-orders.md). An
    ALTA or AMPLIACION installs its fixed lines (the TV follows); the order → COMPLETADA.
    Refused (not open, a BAJA, …): 400 (0089), nothing changed.
    """
    return _change(session, caller, workOrderId, ChangeType.COMPLETE, body or Note())


@router.post(
    f"{OPS}/work-orders/{{workOrderId}}/cancel",
    response_model=WorkOrderView,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def cancel_work_order(
    workOrderId: str, session: SessionDep, caller: CallerDep, body: Note | None = None
) -> WorkOrderView:
    """Cancel the order: change-order CANCEL, by the same table (docs/work-orders.md). It
    undoes that order's change only: an ALTA's or AMPLIACION's lines not live yet → CANCELADO
    (inventory back in stock, ADMCOSTCANCELCOST charged); a migration, tariff change, SIM
    change or device sale is restored; a BAJA on a date is withdrawn and the line stays live.
    Refused (not open, or the lines changed since): 400 (0089), nothing changed.
    """
    return _change(session, caller, workOrderId, ChangeType.CANCEL, body or Note())


@router.post(
    f"{OPS}/subscriptions/{{subscriptionId}}/termination",
    response_model=TerminationResult,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def terminate_subscription(
    subscriptionId: Id,
    *,
    body: TerminationCreate,
    session: SessionDep,
    caller: CallerDep,
) -> TerminationResult:
    """End a line with a master-data motive. Termination motive (live line): now → BAJA
    (number back to the pool, SIM out of use), or on ``deactivation_date`` → PENDIENTE A
    DESACTIVAR (82) with a DEACTIVATION scheduled for that day. Cancellation motive (line not
    live yet): now → CANCELADO. ``with_penalties``: the line's penalties computed for the
    effective day and confirmed. Refusals: 0022, 0092, 0093, 0094.
    """
    result = terminations.terminate(
        session,
        caller=caller,
        subscription_id=subscriptionId,
        motive_id=body.motive_id,
        on=body.deactivation_date,
        with_penalties=body.with_penalties,
    )
    return TerminationResult.of(result)


@router.post(
    f"{OPS}/subscriptions/{{subscriptionId}}/recharges",
    response_model=RechargeResult,
    status_code=201,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def record_recharge(
    subscriptionId: Id, body: RechargeCreate, session: SessionDep, caller: CallerDep
) -> RechargeResult:
    """Record a balance movement of a prepaid line (what ``recharge/detail`` lists). Not
    prepaid: 400 (0070); unknown origin or movement type: 400 (0022).
    """
    recharge = service.record_recharge(
        session,
        caller=caller,
        subscription_id=subscriptionId,
        amount=body.amount,
        origin_id=body.origin_id,
        movement_type_id=body.movement_type_id,
    )
    return RechargeResult.of(recharge)


@router.post(
    f"{OPS}/invoices/{{invoiceId}}/payment",
    response_model=PaymentResult,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def pay_invoice(
    invoiceId: Id,
    *,
    session: SessionDep,
    caller: CallerDep,
    body: PaymentCreate | None = None,
) -> PaymentResult:
    """Record an invoice's payment: PENDIENTE (or DEVUELTO) → PAGADO with its pay date (today
    unless ``pay_date``, never in the future). Already paid or cancelled: 400 (0095).
    """
    tz = caller.tz
    invoice = service.pay_invoice(
        session,
        caller=caller,
        invoice_id=invoiceId,
        pay_date=(body or PaymentCreate()).pay_date,
    )
    return PaymentResult.of(invoice, tz)


@router.post(
    f"{OPS}/accounts/{{accountId}}/tax-province",
    response_model=TaxPeriod,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def change_tax_province(
    accountId: Id,
    body: TaxProvinceChange,
    session: SessionDep,
    caller: CallerDep,
) -> TaxPeriod:
    """The customer's tax address moved to another province: the current tax period ends now
    and one with the new province's tax (IVA, IGIC, IPSI from the catalogue) starts; GET
    accounts/{accountId}/tax shows the earlier one under ``historical_changes``.
    """
    return service.change_tax_province(
        session, caller=caller, account_id=accountId, state_id=body.state_id
    )
