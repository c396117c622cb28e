"""Work orders: opened by every selling operation, changed by change orders, with history.

What each change does to each type of order is the table in ``change_types``; ``effects``
writes it.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.db.loaded_rows import insert_loaded
from mascustomers.db.row_buffer import RowBuffer
from mascustomers.db.sequences import next_value
from mascustomers.errors import NotFound
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import (
    Subscription,
    WorkOrder,
    WorkOrderStatusChange,
    WorkOrderSubscription,
)
from mascustomers.workorders import effects, lines, repository
from mascustomers.workorders.change_types import decide
from mascustomers.workorders.effects import Applied
from mascustomers.workorders.errors import ChangeNotAllowed
from mascustomers.workorders.parameters import Change, parse_change
from mascustomers.workorders.schemas import ChangeOrderCreate, ChangeOrderResult, ErrorVO
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType
from mascustomers.workorders.undo import Undo


def open_work_order(
    session: Session,
    *,
    org_id: int,
    account_id: int | None,
    sell_id: int | None,
    type: WorkOrderType,
    status: WorkOrderStatus,
    subscription_ids: Iterable[int],
    installation: dict[str, Any] | None,
    actor: str,
    now: datetime,
    rows: RowBuffer | None = None,
    reserved_id: int | None = None,
    number: int | None = None,
    undo: Undo | None = None,
) -> WorkOrder:
    """A numbered work order; its first status and its lines go to ``rows`` if given.

    With a ``reserved_id`` (``db.ids``) it is written without a flush. ``number``: the
    ``work_order`` counter's value when the caller advanced it already. ``undo``: what the
    order changed, for CANCEL (``workorders.undo``).
    """
    if number is None:
        number = next_value(session, org_id=org_id, name="work_order")
    order = WorkOrder(
        org_id=org_id,
        work_order_id=f"OT{number:010d}",
        account_id=account_id,
        sell_id=sell_id,
        type_id=type,
        status_id=status,
        installation=installation,
        undo=undo.doc() if undo is not None else None,
        created_at=now,
    )
    if reserved_id is None:
        session.add(order)
        session.flush()
    else:
        order.id = reserved_id
        insert_loaded(session, order)
    buffer = rows if rows is not None else RowBuffer()
    buffer.add(
        WorkOrderStatusChange,
        work_order_id=order.id,
        status_id=status,
        changed_at=now,
        modified_by=actor,
        reason=None,
    )
    for subscription_id in subscription_ids:
        buffer.add(WorkOrderSubscription, work_order_id=order.id, subscription_id=subscription_id)
    if rows is None:
        buffer.write(session)
    return order


def move_status(
    session: Session,
    *,
    order: WorkOrder,
    target: WorkOrderStatus,
    actor: str,
    reason: str | None,
    now: datetime,
) -> None:
    """The order's status and its history row (who, when, why)."""
    effects.move_status(session, order=order, target=target, actor=actor, reason=reason, now=now)


def close_order(
    session: Session,
    *,
    order_pk: int,
    target: WorkOrderStatus,
    reason: str,
    actor: str,
    now: datetime,
) -> None:
    """Move an order that is not final yet to ``target`` (a job finishing what it provisions)."""
    order = repository.get_order(session, work_order_pk=order_pk)
    if order is None or WorkOrderStatus(order.status_id).is_final:
        return
    move_status(session, order=order, target=target, actor=actor, reason=reason[:200], now=now)


def find(session: Session, *, org_id: int, work_order_id: str, lock: bool = False) -> WorkOrder:
    """The org's work order with this number (``OT…``); 404 for another org's."""
    order = repository.get_by_number(
        session, org_id=org_id, work_order_id=work_order_id, for_update=lock
    )
    if order is None:
        raise NotFound(f"work order {work_order_id} not found")
    return order


def lines_of(session: Session, *, order: WorkOrder) -> Sequence[Subscription]:
    return repository.subscriptions_of(session, work_order_pk=order.id)


def orders_of_sell(session: Session, *, sell_id: int) -> Sequence[WorkOrder]:
    return repository.orders_of_sell(session, sell_id=sell_id)


def history(session: Session, *, order: WorkOrder) -> Sequence[WorkOrderStatusChange]:
    return repository.status_history(session, work_order_pk=order.id)


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
    found = find(session, org_id=org_id, work_order_id=work_order_id)
    repository.lock_lines(session, work_order_pk=found.id)
    order = find(session, org_id=org_id, work_order_id=work_order_id, lock=True)
    # A refusal found half-way leaves nothing behind, even where it is answered as a 200.
    with session.begin_nested():
        apply_change(session, order=order, change=change, actor=actor, now=now)
    return order


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


def cancel_lines(
    session: Session, *, lines_to_cancel: Iterable[Subscription], actor: str, now: datetime
) -> list[Subscription]:
    """Lines not yet live → CANCELADO, inventory back in stock (see ``lines.cancel_lines``)."""
    return lines.cancel_lines(session, lines=lines_to_cancel, actor=actor, now=now)


def end_line(session: Session, *, line: Subscription, actor: str, now: datetime) -> None:
    """A live line → BAJA, its number back to the pool and its SIM out of use."""
    lines.end_line(session, line=line, actor=actor, now=now)


def settle_account(session: Session, *, org_id: int, account_id: int, now: datetime) -> None:
    """Close bundles and the account once no live line is left in them."""
    lines.settle_account(session, org_id=org_id, account_id=account_id, now=now)


def cancel_emptied_orders(
    session: Session, *, line_ids: Iterable[int], reason: str, actor: str, now: datetime
) -> list[WorkOrder]:
    """Open orders of these lines left with no live line → CANCELADA."""
    open_statuses = (WorkOrderStatus.PENDIENTE_CREAR_OT, WorkOrderStatus.EN_CURSO)
    orders = repository.orders_containing(
        session, subscription_ids=list(line_ids), status_ids=[int(s) for s in open_statuses]
    )
    cancelled = []
    for order in orders:
        if all(line.ended_at is not None for line in lines_of(session, order=order)):
            move_status(
                session,
                order=order,
                target=WorkOrderStatus.CANCELADA,
                actor=actor,
                reason=reason[:200],
                now=now,
            )
            cancelled.append(order)
    return cancelled
