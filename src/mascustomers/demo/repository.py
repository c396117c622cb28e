"""The queries that find the demo's objects again: each one an index lookup by the customer's
document, an account, a line or an org (never a scan of a table that grows with the base)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mascustomers.inventory.repository import NUMBER_IS_FREE, SIM_IS_FREE
from mascustomers.models import (
    Account,
    AccountBundle,
    AccountTax,
    ComputedPenalty,
    Customer,
    Invoice,
    Msisdn,
    PenaltyLine,
    Sell,
    SimCard,
    Subscription,
    SubscriptionBlock,
    SubscriptionBonus,
    SubscriptionService,
    SubscriptionTerminal,
    WorkOrder,
)

NIF = 1


def customer_by_document(session: Session, *, org_id: int, document: str) -> Customer | None:
    return session.scalars(
        select(Customer).where(
            Customer.org_id == org_id,
            Customer.document_type_id == NIF,
            Customer.document_value == document,
        )
    ).one_or_none()


def accounts_of(session: Session, *, customer_id: int) -> Sequence[Account]:
    return session.scalars(
        select(Account).where(Account.customer_id == customer_id).order_by(Account.id)
    ).all()


def lines_of(session: Session, *, account_id: int) -> Sequence[Subscription]:
    return session.scalars(
        select(Subscription).where(Subscription.account_id == account_id).order_by(Subscription.id)
    ).all()


def bundles_of(session: Session, *, account_id: int) -> Sequence[AccountBundle]:
    return session.scalars(
        select(AccountBundle)
        .where(AccountBundle.account_id == account_id, AccountBundle.ended_at.is_(None))
        .order_by(AccountBundle.id)
    ).all()


def current_tax(session: Session, *, account_id: int) -> AccountTax | None:
    return session.scalars(
        select(AccountTax)
        .where(AccountTax.account_id == account_id, AccountTax.end_at.is_(None))
        .order_by(AccountTax.id.desc())
        .limit(1)
    ).first()


def work_orders_of(session: Session, *, account_id: int) -> Sequence[WorkOrder]:
    return session.scalars(
        select(WorkOrder).where(WorkOrder.account_id == account_id).order_by(WorkOrder.id)
    ).all()


def sells_of(session: Session, *, customer_id: int) -> Sequence[Sell]:
    return session.scalars(
        select(Sell).where(Sell.customer_id == customer_id).order_by(Sell.id)
    ).all()


def penalties_of(session: Session, *, account_id: int) -> Sequence[ComputedPenalty]:
    return session.scalars(
        select(ComputedPenalty)
        .where(ComputedPenalty.account_id == account_id)
        .order_by(ComputedPenalty.id)
    ).all()


def invoices_of(session: Session, *, account_id: int) -> Sequence[Invoice]:
    return session.scalars(
        select(Invoice).where(Invoice.account_id == account_id).order_by(Invoice.id)
    ).all()


def bonuses_of(
    session: Session, *, subscription_id: int, now: datetime
) -> Sequence[SubscriptionBonus]:
    """The line's bonuses not ended at ``now`` (running or scheduled; a limited one ends by
    itself)."""
    return session.scalars(
        select(SubscriptionBonus)
        .where(
            SubscriptionBonus.subscription_id == subscription_id,
            or_(SubscriptionBonus.end_at.is_(None), SubscriptionBonus.end_at > now),
        )
        .order_by(SubscriptionBonus.id)
    ).all()


def blocks_of(session: Session, *, subscription_id: int) -> Sequence[SubscriptionBlock]:
    """The line's blocks in force."""
    return session.scalars(
        select(SubscriptionBlock)
        .where(
            SubscriptionBlock.subscription_id == subscription_id,
            SubscriptionBlock.end_at.is_(None),
        )
        .order_by(SubscriptionBlock.id)
    ).all()


def services_of(session: Session, *, subscription_id: int) -> Sequence[SubscriptionService]:
    return session.scalars(
        select(SubscriptionService)
        .where(SubscriptionService.subscription_id == subscription_id)
        .order_by(SubscriptionService.service_id)
    ).all()


def terminals_of(session: Session, *, subscription_id: int) -> Sequence[SubscriptionTerminal]:
    return session.scalars(
        select(SubscriptionTerminal)
        .where(SubscriptionTerminal.subscription_id == subscription_id)
        .order_by(SubscriptionTerminal.id)
    ).all()


def last_free_iccids(session: Session, *, org_id: int, limit: int) -> Sequence[str]:
    """The highest ICCIDs in stock (ix_sim_card_free): a shipped SIM takes the lowest."""
    return session.scalars(
        select(SimCard.iccid)
        .where(SimCard.org_id == org_id, SIM_IS_FREE)
        .order_by(SimCard.iccid.desc())
        .limit(limit)
    ).all()


def last_free_numbers(
    session: Session, *, org_id: int, host_cfg_id: int, limit: int
) -> Sequence[str]:
    """The highest free numbers of the pool (ix_msisdn_free): a signup without one takes the
    lowest."""
    return session.scalars(
        select(Msisdn.msisdn)
        .where(
            Msisdn.org_id == org_id,
            Msisdn.host_cfg_id == host_cfg_id,
            NUMBER_IS_FREE,
        )
        .order_by(Msisdn.msisdn.desc())
        .limit(limit)
    ).all()


def invoiced_penalty_lines(session: Session, *, computed_penalty_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(PenaltyLine)
            .where(
                PenaltyLine.computed_penalty_id == computed_penalty_id,
                PenaltyLine.invoice_id.is_not(None),
            )
        )
        or 0
    )
