"""The risk decision of one operation: facts from the database, thresholds from the catalogue."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.catalog import service as catalog_service
from mascustomers.db.loaded_rows import insert_loaded
from mascustomers.models import Account, Invoice, Sell
from mascustomers.risk.policy import Assessment, RiskDecision, RiskInput, RiskThresholds, assess

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
    return assess(facts, RiskThresholds.of(catalog_service.risk_policy(session, org_id=org_id)))


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


_SELL_STATUS = {RiskDecision.APPROVED: "COMPLETED", RiskDecision.REJECTED: "REJECTED"}


def record_sell(
    session: Session,
    *,
    org_id: int,
    kind: str,
    request: dict[str, Any],
    assessment: Assessment,
    customer_id: int | None,
    account_id: int | None,
    actor: str,
    now: datetime,
    origin_ip: str | None = None,
    channel: str | None = None,
    dealer_id: str | None = None,
    shop_id: str | None = None,
    agent_id: str | None = None,
    reserved_id: int | None = None,
) -> Sell:
    """The operation as asked, with its decision: COMPLETED, HELD (r, n/a) or REJECTED (x).

    With a ``reserved_id`` (``db.ids``) it is written without a flush.
    """
    status = _SELL_STATUS.get(assessment.decision, "HELD")
    sell = Sell(
        org_id=org_id,
        kind=kind,
        status=status,
        risk_decision=assessment.decision.value,
        customer_id=customer_id,
        account_id=account_id,
        channel=channel,
        dealer_id=dealer_id,
        shop_id=shop_id,
        agent_id=agent_id,
        origin_ip=origin_ip,
        request=request,
        created_at=now,
        created_by=actor,
        decided_at=now if status != "HELD" else None,
    )
    if reserved_id is None:
        session.add(sell)
        session.flush()
    else:
        sell.id = reserved_id
        insert_loaded(session, sell)
    return sell
