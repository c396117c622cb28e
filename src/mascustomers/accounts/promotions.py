"""Promotions applied at subscription, account or bundle level, with their commitment."""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from mascustomers.accounts.terms import add_commitment
from mascustomers.models import AppliedPromotion, CataloguePromotion


def apply_promotion(
    session: Session,
    *,
    org_id: int,
    promotion: CataloguePromotion,
    account_id: int,
    account_bundle_id: int | None,
    subscription_id: int | None,
    value: str | None,
    start: datetime,
    start_date: date,
) -> AppliedPromotion:
    """Apply a catalogue promotion; one with commitment months also binds the customer."""
    end = (
        start + relativedelta(months=promotion.duration_months)
        if promotion.duration_months
        else None
    )
    applied = AppliedPromotion(
        org_id=org_id,
        promotion_id=promotion.promotion_id,
        level=promotion.level,
        account_id=account_id,
        account_bundle_id=account_bundle_id,
        subscription_id=subscription_id,
        value=value,
        start_at=start,
        end_at=end,
    )
    session.add(applied)
    session.flush()
    if promotion.commitment_months:
        add_commitment(
            session,
            org_id=org_id,
            account_id=account_id,
            account_bundle_id=account_bundle_id,
            subscription_id=subscription_id,
            associated_type="promotion",
            months=promotion.commitment_months,
            penalty_amount=promotion.penalty_amount or 0,  # type: ignore[arg-type]
            start=start_date,
            applied_promotion_id=applied.id,
            promotion_id=promotion.promotion_id,
        )
    return applied
