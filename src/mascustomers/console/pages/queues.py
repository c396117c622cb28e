"""The queues: orders held by risk (approve, reject) and work orders (complete, cancel). The
third queue, failing webhook deliveries, is ``pages.webhooks``."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from mascustomers.auth.permissions import Permission
from mascustomers.catalog.statuses import WorkOrderStatus
from mascustomers.console import repository
from mascustomers.console.dependencies import CallerDep, FormDep, StaffDep, may_change
from mascustomers.console.paging import PAGE_SIZE, CursorId, Page, PageNumber, limit_and_offset
from mascustomers.console.rendering import PREFIX, redirect, render
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.service import Staff
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id
from mascustomers.ops.schemas import HeldOrder, Note, WorkOrderView
from mascustomers.orders import holds
from mascustomers.orders import service as orders_service
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.change_types import ChangeType

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Operations = Annotated[Staff, Depends(may_change(Permission.OPERATIONS))]
WorkOrders = Annotated[Staff, Depends(may_change(Permission.WORKORDERS))]
# The statuses an order waits in for the back office (held ones are in the risk queue).
QUEUE_STATUSES = (WorkOrderStatus.PENDIENTE_CREAR_OT, WorkOrderStatus.EN_CURSO)


@router.get(f"{PREFIX}/queues/risk-holds")
def risk_holds(
    request: Request, *, session: SessionDep, staff: StaffDep, page: PageNumber = 1
) -> Response:
    """GET ops/risk-holds: held orders, oldest first, with their lines and work orders."""
    limit, offset = limit_and_offset(page)
    found = holds.list_holds(session, org_id=staff.org_id, kind=None, limit=limit, offset=offset)
    return render(
        request,
        "risk_holds.html",
        holds=Page.of_rows([HeldOrder.of(decision) for decision in found], page),
        Permission=Permission,
    )


@router.post(f"{PREFIX}/queues/risk-holds/{{sell_id}}/approve")
def approve_hold(
    request: Request, *, sell_id: Id, session: SessionDep, staff: Operations, caller: CallerDep
) -> Response:
    """POST ops/risk-holds/{sellId}/approve."""
    decision = holds.approve(session, caller=caller, sell_id=sell_id)
    held = HeldOrder.of(decision)
    orders = ", ".join(held.work_order_ids) or "—"
    return redirect(
        request,
        f"{PREFIX}/queues/risk-holds",
        flash=f"Order {sell_id} approved ({held.kind}); work orders {orders}.",
    )


@router.post(f"{PREFIX}/queues/risk-holds/{{sell_id}}/reject")
def reject_hold(
    request: Request, *, sell_id: Id, session: SessionDep, staff: Operations, caller: CallerDep
) -> Response:
    """POST ops/risk-holds/{sellId}/reject."""
    holds.reject(session, caller=caller, sell_id=sell_id)
    return redirect(request, f"{PREFIX}/queues/risk-holds", flash=f"Order {sell_id} rejected.")


@router.get(f"{PREFIX}/queues/work-orders")
def work_orders(
    request: Request,
    *,
    session: SessionDep,
    staff: StaffDep,
    status: WorkOrderStatus = WorkOrderStatus.PENDIENTE_CREAR_OT,
    after: CursorId = 0,
) -> Response:
    """Work orders in one status, oldest first, a page at a time after a cursor."""
    rows = repository.work_orders_in_status(
        session, org_id=staff.org_id, status_id=status, after_id=after, limit=PAGE_SIZE + 1
    )
    shown = rows[:PAGE_SIZE]
    return render(
        request,
        "work_orders.html",
        orders=shown,
        status=status,
        statuses=QUEUE_STATUSES,
        first=after == 0,
        next_cursor=shown[-1].id if len(rows) > PAGE_SIZE else None,
        types={order.id: order.type_id for order in shown},
        Permission=Permission,
    )


@router.get(f"{PREFIX}/work-orders/{{work_order_id}}")
def work_order(
    request: Request,
    *,
    work_order_id: Annotated[str, Path(max_length=30)],
    session: SessionDep,
    staff: StaffDep,
    lines_page: PageNumber = 1,
    history_page: PageNumber = 1,
) -> Response:
    """GET ops/work-orders/{workOrderId}: the order with its lines and status history."""
    order = workorders_service.find(session, org_id=staff.org_id, work_order_id=work_order_id)
    view = WorkOrderView.of(session, order)
    return render(
        request,
        "work_order.html",
        order=view,
        lines=Page.of_list(view.subscriptions, lines_page),
        history=Page.of_list(view.history, history_page),
        Permission=Permission,
    )


def _change(
    request: Request,
    *,
    session: SessionDep,
    caller: CallerDep,
    form: FormDep,
    order_id: str,
    change: ChangeType,
) -> Response:
    note = Note.model_validate({"reason": form.text("reason")})
    order = orders_service.change_work_order(
        session,
        org_id=caller.org_id,
        work_order_id=order_id,
        change_type=change.value,
        parameters=None,
        note=f"{note.reason or 'sin motivo'} (console)",
        actor=caller.actor,
        now=caller.now,
        today=caller.today,
    )
    view = WorkOrderView.of(session, order)
    return redirect(
        request,
        f"{PREFIX}/work-orders/{order_id}",
        flash=f"Work order {order_id}: {change.value} done, now {view.status.value}.",
    )


@router.post(f"{PREFIX}/work-orders/{{work_order_id}}/complete")
def complete_work_order(
    request: Request,
    *,
    work_order_id: str,
    session: SessionDep,
    staff: WorkOrders,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """Change order COMPLETE (the table of docs/work-orders.md)."""
    return _change(
        request,
        session=session,
        caller=caller,
        form=form,
        order_id=work_order_id,
        change=ChangeType.COMPLETE,
    )


@router.post(f"{PREFIX}/work-orders/{{work_order_id}}/cancel")
def cancel_work_order(
    request: Request,
    *,
    work_order_id: str,
    session: SessionDep,
    staff: WorkOrders,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """Change order CANCEL: undoes that order's change only."""
    return _change(
        request,
        session=session,
        caller=caller,
        form=form,
        order_id=work_order_id,
        change=ChangeType.CANCEL,
    )
