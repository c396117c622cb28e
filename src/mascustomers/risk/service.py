"""The risk decision of one operation: facts from the database, thresholds from the catalogue."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.models import Account, Invoice, Sell
from mascustomers.risk.policy import Assessment, RiskDecision, RiskInput, RiskThresholds, assess

INVOICE_PENDING = 1


def decide(
    session: Session,
    *,
    caller: Caller,
    customer_id: int | None,
    financed_amount: Decimal = Decimal("0"),
    scoring_value: int | None = None,
    credit_limit_available: Decimal | None = None,
    sim_replacement_subscription_id: int | None = None,
) -> Assessment:
    """The decision on the caller's operation for this customer: the facts the policy needs,
    gathered, and the org's thresholds applied (``risk.policy``)."""
    org_id, now = caller.org_id, caller.now
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
    uow: UnitOfWork,
    *,
    caller: Caller,
    kind: str,
    request: dict[str, Any],
    assessment: Assessment,
    customer_id: int | None,
    account_id: int | None,
    sales: object | None = None,
) -> Sell:
    """The caller's operation as asked, with its decision: COMPLETED, HELD (r, n/a) or
    REJECTED (x). ``sales``: who sold it, as the request says (its ``channel``, ``dealer_id``,
    ``shop_id`` and ``agent_id``, those it has)."""
    status = _SELL_STATUS.get(assessment.decision, "HELD")
    now = caller.now
    sell = Sell(
        org_id=caller.org_id,
        kind=kind,
        status=status,
        risk_decision=assessment.decision.value,
        customer_id=customer_id,
        account_id=account_id,
        channel=getattr(sales, "channel", None),
        dealer_id=getattr(sales, "dealer_id", None),
        shop_id=getattr(sales, "shop_id", None),
        agent_id=getattr(sales, "agent_id", None),
        origin_ip=caller.origin_ip,
        request=request,
        created_at=now,
        created_by=caller.actor,
        decided_at=now if status != "HELD" else None,
    )
    uow.insert(sell)
    return sell
