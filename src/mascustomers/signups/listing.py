"""GET signups (changelog 2.29.0): the org's sells, newest first, with their work order."""

from datetime import date, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import format_timestamp, start_of_day
from mascustomers.kit.request_fields import Id, Limit, Offset
from mascustomers.models import Sell, WorkOrder


class SellSummary(BaseModel):
    sell_id: int
    kind: str
    customer_id: int | None
    account_id: int | None
    work_order_id: str | None
    status: str
    risk_decision: str
    created_date: str


class SellFilter(BaseModel):
    """Query of GET signups."""

    work_order_id: str | None = Field(default=None, max_length=30)
    customer_id: Id | None = None
    start_date: date | None = None
    end_date: date | None = None
    limit: Limit = 100
    offset: Offset = 0


class SellList(BaseModel):
    signups: list[SellSummary]
    limit: int
    offset: int


def list_sells(
    session: Session,
    *,
    org_id: int,
    tz: str,
    query_filter: SellFilter,
) -> SellList:
    query = (
        select(Sell, WorkOrder.work_order_id)
        .outerjoin(WorkOrder, WorkOrder.sell_id == Sell.id)
        .where(Sell.org_id == org_id)
    )
    f = query_filter
    if f.work_order_id is not None:
        query = query.where(WorkOrder.work_order_id == f.work_order_id)
    if f.customer_id is not None:
        query = query.where(Sell.customer_id == f.customer_id)
    if f.start_date is not None:
        query = query.where(Sell.created_at >= start_of_day(f.start_date, tz))
    if f.end_date is not None:
        query = query.where(Sell.created_at < start_of_day(f.end_date + timedelta(days=1), tz))
    rows = session.execute(query.order_by(Sell.id.desc()).limit(f.limit).offset(f.offset)).all()
    return SellList(
        signups=[
            SellSummary(
                sell_id=sell.id,
                kind=sell.kind,
                customer_id=sell.customer_id,
                account_id=sell.account_id,
                work_order_id=order_id,
                status=sell.status,
                risk_decision=sell.risk_decision,
                created_date=format_timestamp(sell.created_at),
            )
            for sell, order_id in rows
        ],
        limit=f.limit,
        offset=f.offset,
    )
