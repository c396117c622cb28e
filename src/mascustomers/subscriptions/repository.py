"""All SQL about subscriptions and their histories."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import Subscription, SubscriptionProduct


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
