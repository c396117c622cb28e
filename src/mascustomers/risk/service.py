"""The risk decision of one operation: facts from the database, thresholds from the catalogue."""

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.catalog import service as catalog_service
from mascustomers.models import Account, Invoice, Sell
from mascustomers.risk.policy import Assessment, RiskInput, assess

INVOICE_PENDING = 1


def decide(
    session: Session,
    *,
    org_id: int,
    customer_id: int | None,
    scoring_value: int | None,
    credit_limit_available: Decimal | None,
    financed_amount: Decimal,
    sim_replacement_subscription_id: int | None = None,
    now: datetime,
) -> Assessment:
    """Gather the facts the policy needs and apply it."""
    facts = RiskInput(
        scoring_value=scoring_value,
        credit_limit_available=credit_limit_available,
        financed_amount=financed_amount,
        overdue_invoices=_overdue_invoices(session, customer_id=customer_id, now=now),
        sim_replacements_30d=_recent_sim_replacements(
            session, subscription_id=sim_replacement_subscription_id, now=now
        ),
    )
    return assess(facts, catalog_service.risk_thresholds(session, org_id=org_id))


def _overdue_invoices(session: Session, *, customer_id: int | None, now: datetime) -> int:
    if customer_id is None:
        return 0
    # Unpaid a month after issue counts as overdue.
    count = session.scalar(
        select(func.count())
        .select_from(Invoice)
        .join(Account, Account.id == Invoice.account_id)
        .where(
            Account.customer_id == customer_id,
            Invoice.status_id == INVOICE_PENDING,
            Invoice.issued_at < now - timedelta(days=30),
        )
    )
    return int(count or 0)


def _recent_sim_replacements(
    session: Session, *, subscription_id: int | None, now: datetime
) -> int:
    if subscription_id is None:
        return 0
    count = session.scalar(
        select(func.count())
        .select_from(Sell)
        .where(
            Sell.kind == "SIM_REPLACEMENT",
            Sell.status == "COMPLETED",
            Sell.created_at >= now - timedelta(days=30),
            Sell.request["subscription_id"].as_integer() == subscription_id,
        )
    )
    return int(count or 0)
