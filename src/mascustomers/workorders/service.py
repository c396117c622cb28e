"""Work orders: opened by every selling operation, changed by change orders, with history."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
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
from mascustomers.penalties import service as penalties_service
from mascustomers.workorders import lines, repository
from mascustomers.workorders.change_types import ChangeType, is_allowed, parse_change_type
from mascustomers.workorders.errors import (
    ChangeNotAllowed,
    ChangeParametersInvalid,
    ChangeTypeUnknown,
)
from mascustomers.workorders.schemas import (
    ChangeOrderCreate,
    ChangeOrderResult,
    ErrorVO,
    InstallationAddress,
    InstallationContact,
)
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType


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
) -> WorkOrder:
    """A numbered work order; its first status and its lines go to ``rows`` if given.

    With a ``reserved_id`` (``db.ids``) it is written without a flush. ``number``: the
    ``work_order`` counter's value when the caller advanced it already.
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
    order.status_id = target
    session.add(
        WorkOrderStatusChange(
            work_order_id=order.id,
            status_id=target,
            changed_at=now,
            modified_by=actor,
            reason=reason,
        )
    )
    session.flush()


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


@dataclass(frozen=True)
class Change:
    """A change order, parsed: what to do and its parameters as values."""

    type: ChangeType
    note: str
    new_date: date | None = None
    installation: dict[str, Any] | None = None


def parse_change(*, change_type: str, parameters: str | None, note: str, today: date) -> Change:
    """Check the change type and its parameters (400 on anything malformed)."""
    change = parse_change_type(change_type)
    if change is None:
        known = ", ".join(c.value for c in ChangeType)
        raise ChangeTypeUnknown(f"changetype: {change_type!r} is not one of {known}")
    if change is ChangeType.RESCHEDULE:
        return Change(change, note, new_date=_future_date(parameters, today))
    if change is ChangeType.CHANGE_CONTACT:
        contact = _parameters_as(InstallationContact, parameters)
        return Change(change, note, installation={"contact": contact})
    if change is ChangeType.CHANGE_ADDRESS:
        address = _parameters_as(InstallationAddress, parameters)
        return Change(change, note, installation={"address": address})
    return Change(change, note)


def _future_date(parameters: str | None, today: date) -> date:
    try:
        new_date = date.fromisoformat((parameters or "").strip())
    except ValueError as error:
        raise ChangeParametersInvalid(
            f"parameters: {parameters!r} is not a date YYYY-MM-DD"
        ) from error
    if new_date <= today:
        raise ChangeParametersInvalid(
            f"parameters: the new date {new_date.isoformat()} must be after today "
            f"({today.isoformat()})"
        )
    return new_date


def _parameters_as(model: type[BaseModel], parameters: str | None) -> dict[str, Any]:
    try:
        value = json.loads(parameters or "")
    except ValueError as error:
        raise ChangeParametersInvalid("parameters: not valid JSON text") from error
    if not isinstance(value, dict):
        raise ChangeParametersInvalid("parameters: must be the JSON text of an object")
    try:
        parsed = model.model_validate(value)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'parameters'}: {e['msg']}"
            for e in error.errors()
        )
        raise ChangeParametersInvalid(f"parameters: {problems}") from error
    return parsed.model_dump(mode="json", exclude_none=True)


def apply_change(
    session: Session, *, order: WorkOrder, change: Change, actor: str, now: datetime
) -> None:
    """Apply a parsed change; ``ChangeNotAllowed`` (before any write) if the status forbids it."""
    status = WorkOrderStatus(order.status_id)
    if not is_allowed(change.type, status):
        raise ChangeNotAllowed(
            f"work order {order.work_order_id} is {status.label}: "
            f"{change.type.value} is not allowed"
        )
    reason = f"{change.type.value}: {change.note}"[:200]
    if change.type is ChangeType.CANCEL:
        _cancel(session, order=order, reason=reason, actor=actor, now=now)
        return
    if change.type is ChangeType.COMPLETE:
        lines.install_lines(session, lines=lines_of(session, order=order), actor=actor, now=now)
        move_status(
            session,
            order=order,
            target=WorkOrderStatus.COMPLETADA,
            actor=actor,
            reason=reason,
            now=now,
        )
        return
    if change.new_date is not None:
        order.scheduled_date = change.new_date
    if change.installation is not None:
        order.installation = {**(order.installation or {}), **change.installation}
    # Not a status move, but kept in the same history with who, when and what.
    move_status(session, order=order, target=status, actor=actor, reason=reason, now=now)


def _cancel(session: Session, *, order: WorkOrder, reason: str, actor: str, now: datetime) -> None:
    cancelled = lines.cancel_lines(
        session, lines=lines_of(session, order=order), actor=actor, now=now
    )
    move_status(
        session, order=order, target=WorkOrderStatus.CANCELADA, actor=actor, reason=reason, now=now
    )
    if order.account_id is None:
        return
    if cancelled:
        penalties_service.charge_order_cancellation(
            session,
            org_id=order.org_id,
            account_id=order.account_id,
            order_reference=order.work_order_id,
            now=now,
        )
    lines.settle_account(session, org_id=order.org_id, account_id=order.account_id, now=now)


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
    """Find, check and apply one change; ``ChangeNotAllowed`` when the status forbids it."""
    change = parse_change(change_type=change_type, parameters=parameters, note=note, today=today)
    order = find(session, org_id=org_id, work_order_id=work_order_id, lock=True)
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
