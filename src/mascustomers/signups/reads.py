"""GET signups (changelog 2.29.0): the org's sells, newest first, with their work order."""

from datetime import timedelta

from sqlalchemy.orm import Session

from mascustomers.kit.clock import format_timestamp, start_of_day
from mascustomers.models import Sell
from mascustomers.signups import repository
from mascustomers.signups.schemas import SellFilter, SellList, SellSummary


def list_sells(session: Session, *, org_id: int, tz: str, query_filter: SellFilter) -> SellList:
    f = query_filter
    rows = repository.sells(
        session,
        org_id=org_id,
        work_order_id=f.work_order_id,
        customer_id=f.customer_id,
        created_from=start_of_day(f.start_date, tz) if f.start_date else None,
        created_before=(start_of_day(f.end_date + timedelta(days=1), tz) if f.end_date else None),
        limit=f.limit,
        offset=f.offset,
    )
    return SellList(
        signups=[summary(sell, order_id) for sell, order_id in rows],
        limit=f.limit,
        offset=f.offset,
    )


def summary(sell: Sell, work_order_id: str | None) -> SellSummary:
    """One sell as GET signups lists it."""
    return SellSummary(
        sell_id=sell.id,
        kind=sell.kind,
        customer_id=sell.customer_id,
        account_id=sell.account_id,
        work_order_id=work_order_id,
        status=sell.status,
        risk_decision=sell.risk_decision,
        created_date=format_timestamp(sell.created_at),
    )
