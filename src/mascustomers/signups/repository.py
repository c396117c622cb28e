"""All SQL of the signups package: the org's sells, with their work order."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from mascustomers.db.repository import OrgRows
from mascustomers.models import Sell, WorkOrder

_SELLS = OrgRows(Sell)


def sells(
    session: Session,
    *,
    org_id: int,
    work_order_id: str | None,
    customer_id: int | None,
    created_from: datetime | None,
    created_before: datetime | None,
    limit: int,
    offset: int,
) -> Sequence[Row[Sell, str | None]]:
    """The org's sells, newest first, each with its work order's number (if any)."""
    query = (
        select(Sell, WorkOrder.work_order_id)
        .outerjoin(WorkOrder, WorkOrder.sell_id == Sell.id)
        .where(_SELLS.of(org_id))
    )
    if work_order_id is not None:
        query = query.where(WorkOrder.work_order_id == work_order_id)
    if customer_id is not None:
        query = query.where(Sell.customer_id == customer_id)
    if created_from is not None:
        query = query.where(Sell.created_at >= created_from)
    if created_before is not None:
        query = query.where(Sell.created_at < created_before)
    return session.execute(query.order_by(Sell.id.desc()).limit(limit).offset(offset)).all()
