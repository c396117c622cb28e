"""Work orders: opened by every selling operation, with a status history."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.db.sequences import next_value
from mascustomers.models import WorkOrder, WorkOrderStatusChange, WorkOrderSubscription
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
) -> WorkOrder:
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
    session.add(order)
    session.flush()
    session.add(
        WorkOrderStatusChange(
            work_order_id=order.id, status_id=status, changed_at=now, modified_by=actor
        )
    )
    for subscription_id in subscription_ids:
        session.add(WorkOrderSubscription(work_order_id=order.id, subscription_id=subscription_id))
    session.flush()
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
