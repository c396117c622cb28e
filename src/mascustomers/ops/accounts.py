"""Back-office account changes: the tax province when a customer moves."""

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.auth.caller import Caller
from mascustomers.errors import NotFound


class TaxProvinceChange(BaseModel):
    state_id: int = Field(ge=1, le=52, description="INE province id of the new tax address")


class TaxPeriod(BaseModel):
    account_id: int
    state_id: int
    description: str
    tax_value: float
    tax_terminal_value: float
    start_date: str


def change_tax_province(
    session: Session, *, caller: Caller, account_id: int, state_id: int
) -> TaxPeriod:
    account = accounts_service.get_account(session, org_id=caller.org_id, account_id=account_id)
    if account is None:
        raise NotFound(f"account {account_id} not found")
    period = accounts_service.move_tax_province(
        session, account=account, state_id=state_id, now=caller.now
    )
    return TaxPeriod(
        account_id=account.id,
        state_id=period.state_id,
        description=period.description,
        tax_value=float(period.tax_value),
        tax_terminal_value=float(period.tax_terminal_value),
        start_date=period.start_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
