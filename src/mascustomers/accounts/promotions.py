"""Promotions applied at subscription, account or bundle level, with their commitment."""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from mascustomers.accounts.terms import commitment_values
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.models import AppliedPromotion, CataloguePromotion, Commitment


def apply_promotion(
    uow: UnitOfWork,
    *,
    org_id: int,
    promotion: CataloguePromotion,
    account_id: int,
    account_bundle_id: int | None,
    subscription_id: int | None,
    value: str | None,
    start: datetime,
    start_date: date,
) -> int:
    """Apply a catalogue promotion; one with commitment months also binds the customer.

    Gives the applied promotion's id.
    """
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
    uow.add_row(applied)
    if promotion.commitment_months:
        uow.append(
            Commitment,
            **commitment_values(
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
            ),
        )
    return applied.id
