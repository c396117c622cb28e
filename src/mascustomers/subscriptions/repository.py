"""All SQL about subscriptions and their histories."""

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from mascustomers.models import (
    AccountBundle,
    Recharge,
    Sell,
    Subscription,
    SubscriptionBlock,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionService,
)


def get_subscription(session: Session, *, org_id: int, subscription_id: int) -> Subscription | None:
    subscription = session.get(Subscription, subscription_id)
    return subscription if subscription is not None and subscription.org_id == org_id else None


def live_by_number(session: Session, *, org_id: int, number: str) -> Subscription | None:
    return session.scalars(
        select(Subscription).where(
            Subscription.org_id == org_id,
            Subscription.identification_nr == number,
            Subscription.ended_at.is_(None),
        )
    ).first()


def of_account(session: Session, *, account_id: int) -> Sequence[Subscription]:
    return session.scalars(
        select(Subscription).where(Subscription.account_id == account_id).order_by(Subscription.id)
    ).all()


def current_product(session: Session, *, subscription_id: int) -> SubscriptionProduct | None:
    return session.scalars(
        select(SubscriptionProduct).where(
            SubscriptionProduct.subscription_id == subscription_id,
            SubscriptionProduct.ended_at.is_(None),
        )
    ).first()


def lock_line(session: Session, *, org_id: int, subscription_id: int) -> Subscription | None:
    """The line, row-locked on PostgreSQL so concurrent writers on it queue up."""
    query = select(Subscription).where(
        Subscription.id == subscription_id, Subscription.org_id == org_id
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query).first()


def account_bundle(session: Session, *, account_bundle_id: int) -> AccountBundle | None:
    return session.get(AccountBundle, account_bundle_id)


def services_of(session: Session, *, subscription_id: int) -> Sequence[SubscriptionService]:
    return session.scalars(
        select(SubscriptionService)
        .where(SubscriptionService.subscription_id == subscription_id)
        .order_by(SubscriptionService.service_id)
    ).all()


def service_of(
    session: Session, *, subscription_id: int, service_id: int
) -> SubscriptionService | None:
    return session.scalars(
        select(SubscriptionService).where(
            SubscriptionService.subscription_id == subscription_id,
            SubscriptionService.service_id == service_id,
        )
    ).first()


def bonus_rows_open_after(
    session: Session,
    *,
    subscription_id: int,
    bonus_id: int,
    instant: datetime,
    before: datetime | None = None,
) -> Sequence[SubscriptionBonus]:
    """Rows of one bonus still in effect (or yet to start) at ``instant``; with ``before``,
    only those that start before it (the rows a period ``[instant, before)`` overlaps).

    Zero-length rows (removed before they started) never take effect: not among them.
    """
    query = select(SubscriptionBonus).where(
        SubscriptionBonus.subscription_id == subscription_id,
        SubscriptionBonus.bonus_id == bonus_id,
        or_(
            SubscriptionBonus.end_at.is_(None),
            and_(
                SubscriptionBonus.end_at > instant,
                SubscriptionBonus.end_at > SubscriptionBonus.start_at,
            ),
        ),
    )
    if before is not None:
        query = query.where(SubscriptionBonus.start_at < before)
    return session.scalars(query.order_by(SubscriptionBonus.start_at)).all()


def bonus_row_ending(
    session: Session, *, subscription_id: int, bonus_id: int, end: datetime
) -> SubscriptionBonus | None:
    """The row of one bonus of the line that ends at ``end`` and whose end is not carried out."""
    return session.scalars(
        select(SubscriptionBonus)
        .where(
            SubscriptionBonus.subscription_id == subscription_id,
            SubscriptionBonus.bonus_id == bonus_id,
            SubscriptionBonus.end_at == end,
            SubscriptionBonus.ended_by.is_(None),
        )
        .order_by(SubscriptionBonus.id)
    ).first()


def record_bonus_end(session: Session, *, bonus_row_id: int, actor: str) -> bool:
    """Mark the row's end carried out by ``actor``, once: False when it already was."""
    result = session.execute(
        update(SubscriptionBonus)
        .where(SubscriptionBonus.id == bonus_row_id, SubscriptionBonus.ended_by.is_(None))
        .values(ended_by=actor)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def open_blocks(session: Session, *, subscription_id: int) -> Sequence[SubscriptionBlock]:
    return session.scalars(
        select(SubscriptionBlock)
        .where(
            SubscriptionBlock.subscription_id == subscription_id,
            SubscriptionBlock.end_at.is_(None),
        )
        .order_by(SubscriptionBlock.block_id)
    ).all()


def blocks(
    session: Session, *, subscription_id: int, ids: Collection[int]
) -> Sequence[SubscriptionBlock]:
    """These block rows of the line (open or not)."""
    if not ids:
        return []
    return session.scalars(
        select(SubscriptionBlock)
        .where(
            SubscriptionBlock.subscription_id == subscription_id,
            SubscriptionBlock.id.in_(list(ids)),
        )
        .order_by(SubscriptionBlock.id)
    ).all()


def held_sells(session: Session, *, org_id: int, kind: str, subscription_id: int) -> Sequence[Sell]:
    return session.scalars(
        select(Sell).where(
            Sell.org_id == org_id,
            Sell.status == "HELD",
            Sell.kind == kind,
            Sell.request["subscription_id"].as_integer() == subscription_id,
        )
    ).all()


def swap_sim(
    session: Session, *, subscription_id: int, old_iccid: str | None, iccid: str, imsi: str
) -> bool:
    """Point the live line at another SIM, only if it still has ``old_iccid`` (lost race: False)."""
    guard = Subscription.iccid.is_(None) if old_iccid is None else Subscription.iccid == old_iccid
    result = session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_id, Subscription.ended_at.is_(None), guard)
        .values(iccid=iccid, imsi=imsi)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def recharges_between(
    session: Session, *, subscription_id: int, start: datetime, end: datetime
) -> Sequence[Recharge]:
    return session.scalars(
        select(Recharge)
        .where(
            Recharge.subscription_id == subscription_id,
            Recharge.recharged_at >= start,
            Recharge.recharged_at < end,
        )
        .order_by(Recharge.recharged_at, Recharge.id)
    ).all()
