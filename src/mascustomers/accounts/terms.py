"""Commitments (permanence): created with promotions and financed terminals."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta


def commitment_values(
    *,
    org_id: int,
    account_id: int,
    account_bundle_id: int | None,
    subscription_id: int | None,
    associated_type: str,
    months: int,
    penalty_amount: Decimal,
    start: date,
    applied_promotion_id: int | None = None,
    promotion_id: int | None = None,
    subscription_terminal_id: int | None = None,
) -> dict[str, Any]:
    """The columns of a new commitment (for callers that write rows in bulk)."""
    return dict(
        org_id=org_id,
        uuid=str(uuid.uuid4()),
        account_id=account_id,
        account_bundle_id=account_bundle_id,
        subscription_id=subscription_id,
        associated_type=associated_type,
        applied_promotion_id=applied_promotion_id,
        promotion_id=promotion_id,
        subscription_terminal_id=subscription_terminal_id,
        months=months,
        start_date=start,
        end_date=start + relativedelta(months=months),
        penalty_amount=penalty_amount,
    )
