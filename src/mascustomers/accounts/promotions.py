"""Promotions applied at subscription, account or bundle level, with their commitment."""

from datetime import date, datetime
from typing import cast

from dateutil.relativedelta import relativedelta
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from mascustomers.accounts.terms import commitment_values
from mascustomers.db.row_buffer import RowBuffer
from mascustomers.models import AppliedPromotion, CataloguePromotion, Commitment

# On the table: the ORM's handling of a one-row INSERT costs several times the INSERT.
_APPLY = insert(cast(Table, AppliedPromotion.__table__)).returning(AppliedPromotion.__table__.c.id)


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
    rows: RowBuffer,
    reserved_id: int | None = None,
) -> int:
    """Apply a catalogue promotion; one with commitment months also binds the customer.

    With ``reserved_id`` (``db.ids``) the applied promotion goes to ``rows`` like its
    commitment; without it, it is inserted at once for its id. Gives the id.
    """
    end = (
        start + relativedelta(months=promotion.duration_months)
        if promotion.duration_months
        else None
    )
    values = {
        "org_id": org_id,
        "promotion_id": promotion.promotion_id,
        "level": promotion.level,
        "account_id": account_id,
        "account_bundle_id": account_bundle_id,
        "subscription_id": subscription_id,
        "value": value,
        "start_at": start,
        "end_at": end,
    }
    if reserved_id is None:
        applied_id: int = session.execute(_APPLY, values).scalar_one()
    else:
        applied_id = reserved_id
        rows.add(AppliedPromotion, id=reserved_id, **values)
    if promotion.commitment_months:
        rows.add(
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
                applied_promotion_id=applied_id,
                promotion_id=promotion.promotion_id,
            ),
        )
    return applied_id
