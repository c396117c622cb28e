"""Change orders: a work order's change applied to what the order did.

``change_work_order`` is the one way in — ``POST /v2/workorders/change-order`` (``change_order``,
errorVO answers), the back office's ``ops/work-orders/{id}/complete|cancel`` and the CLI's
``ops complete|cancel`` — and applies ``workorders.change_types.decide``'s effect
(``orders.effects``) in a savepoint: a refusal found half-way leaves nothing behind.
"""

from datetime import date, datetime

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import WorkOrder
from mascustomers.orders import effects
from mascustomers.orders.effects import Applied
from mascustomers.orders.parameters import Change, parse_change
from mascustomers.orders.schemas import ChangeOrderCreate, ChangeOrderResult, ErrorVO
from mascustomers.workorders import repository as workorders_repository
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.change_types import ChangeType, decide
from mascustomers.workorders.errors import ChangeNotAllowed
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType


def apply_change(
    session: Session, *, order: WorkOrder, change: Change, actor: str, now: datetime
) -> None:
    """Apply a parsed change as ``change_types.EFFECTS`` says for the order's type and status.

    ``ChangeNotAllowed`` when the table or the lines refuse it.
    """
    effect = decide(
        order=order.work_order_id,
        kind=WorkOrderType(order.type_id),
        status=WorkOrderStatus(order.status_id),
        change=change.type,
    )
    reason = f"{change.type.value}: {change.note}"[:200]
    applied = Applied(order=order, change=change, reason=reason, actor=actor, now=now)
    effects.apply(session, effect=effect, applied=applied)


def change_work_order(
    session: Session,
    *,
    org_id: int,
    work_order_id: str,
    change_type: str,
    parameters: str | None,
    note: str,
    actor: str,
    now: datetime,
    today: date,
) -> WorkOrder:
    """Find, check and apply one change; ``ChangeNotAllowed`` when the table or lines refuse it.

    Locks the order's lines before the order: writers of a line (product changes,
    terminations, the scheduled jobs) lock the line first too, so they queue up instead of
    deadlocking with an undo.
    """
    change = parse_change(change_type=change_type, parameters=parameters, note=note, today=today)
    found = workorders_service.find(session, org_id=org_id, work_order_id=work_order_id)
    workorders_repository.lock_lines(session, work_order_pk=found.id)
    order = workorders_service.find(session, org_id=org_id, work_order_id=work_order_id, lock=True)
    # A refusal found half-way leaves nothing behind, even where it is answered as a 200.
    with session.begin_nested():
        apply_change(session, order=order, change=change, actor=actor, now=now)
    return order


def change_from_back_office(
    session: Session, *, caller: Caller, work_order_id: str, change: ChangeType, reason: str | None
) -> WorkOrder:
    """The back office's complete or cancel (``ops/work-orders/{id}/…`` and the CLI's ``ops``):
    a change order without parameters, its note the operator's reason."""
    return change_work_order(
        session,
        org_id=caller.org_id,
        work_order_id=work_order_id,
        change_type=change.value,
        parameters=None,
        note=f"{reason or 'sin motivo'} (back office)",
        actor=caller.actor,
        now=caller.now,
        today=caller.today,
    )


def change_order(
    session: Session,
    *,
    org_id: int,
    body: ChangeOrderCreate,
    actor: str,
    now: datetime,
    today: date,
) -> ChangeOrderResult:
    """POST workorders/change-order: errorVO "0" when applied, "0089" when the status forbids."""
    try:
        change_work_order(
            session,
            org_id=org_id,
            work_order_id=body.workorderid,
            change_type=body.changetype,
            parameters=body.parameters,
            note=f"{body.reason or 'sin motivo'} (seller {body.seller})",
            actor=actor,
            now=now,
            today=today,
        )
    except ChangeNotAllowed as refused:
        return _result(refused.error.code, refused.detail, now)
    return _result("0", "OK", now)


def _result(code: str, description: str, now: datetime) -> ChangeOrderResult:
    return ChangeOrderResult(
        errorVO=ErrorVO(
            error_code=code, error_description=description, operation_date=format_timestamp(now)
        )
    )
