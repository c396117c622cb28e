"""All SQL of what orders do: held sells and what they stored, the lines they change and what
hangs off those lines (terminals, commitments, contracts, scheduled operations)."""

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mascustomers.db.repository import for_update
from mascustomers.models import (
    AccountBundle,
    Commitment,
    Contract,
    Sell,
    SimCard,
    Subscription,
    SubscriptionTerminal,
)


def held_sells(
    session: Session, *, org_id: int, kind: str | None, limit: int, offset: int
) -> Sequence[Sell]:
    query = select(Sell).where(Sell.org_id == org_id, Sell.status == "HELD")
    if kind is not None:
        query = query.where(Sell.kind == kind)
    return session.scalars(query.order_by(Sell.id).limit(limit).offset(offset)).all()


def get_sell(session: Session, *, org_id: int, sell_id: int, lock: bool = False) -> Sell | None:
    query = select(Sell).where(Sell.id == sell_id, Sell.org_id == org_id)
    if lock:
        query = for_update(session, query)
    return session.scalars(query).one_or_none()


def lines_of_sells(session: Session, *, sell_ids: Collection[int]) -> Sequence[Subscription]:
    if not sell_ids:
        return []
    return session.scalars(
        select(Subscription)
        .where(Subscription.sell_id.in_(list(sell_ids)))
        .order_by(Subscription.id)
    ).all()


def terminals_of_sell(
    session: Session, *, sell_id: int, status_id: int
) -> Sequence[SubscriptionTerminal]:
    return session.scalars(
        select(SubscriptionTerminal)
        .where(SubscriptionTerminal.sell_id == sell_id, SubscriptionTerminal.status_id == status_id)
        .order_by(SubscriptionTerminal.id)
    ).all()


def close_terminal_commitments(
    session: Session, *, terminal_ids: Collection[int], now: datetime
) -> None:
    if not terminal_ids:
        return
    session.execute(
        update(Commitment)
        .where(
            Commitment.subscription_terminal_id.in_(list(terminal_ids)),
            Commitment.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )


def get_account_bundle(session: Session, *, account_bundle_id: int) -> AccountBundle | None:
    return session.get(AccountBundle, account_bundle_id)


def get_sim(session: Session, *, org_id: int, iccid: str) -> SimCard | None:
    return session.scalars(
        select(SimCard).where(SimCard.org_id == org_id, SimCard.iccid == iccid)
    ).one_or_none()


def set_terminal_status(
    session: Session, *, subscription_ids: Collection[int], from_ids: Collection[int], to_id: int
) -> None:
    """Move the terminals of these lines that are in one of ``from_ids`` to ``to_id``."""
    if not subscription_ids:
        return
    session.execute(
        update(SubscriptionTerminal)
        .where(
            SubscriptionTerminal.subscription_id.in_(list(subscription_ids)),
            SubscriptionTerminal.status_id.in_(list(from_ids)),
        )
        .values(status_id=to_id)
    )


def get_contract(session: Session, *, contract_pk: int) -> Contract | None:
    return session.get(Contract, contract_pk)


def get_terminal(session: Session, *, terminal_id: int) -> SubscriptionTerminal | None:
    return session.get(SubscriptionTerminal, terminal_id)
