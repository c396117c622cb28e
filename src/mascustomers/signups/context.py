"""The state one selling operation carries while it stores its lines."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from mascustomers.models import Account, AccountBundle, Customer, Sell, User
from mascustomers.signups.schemas import SubscriptionInfo


@dataclass
class OrderContext:
    session: Session
    org_id: int
    actor: str
    now: datetime
    today: date
    held: bool
    billing_type_id: int
    customer: Customer
    owner: User
    account: Account
    sell: Sell
    dealer_id: str | None
    shop_id: str | None
    signature_type: str | None = None
    signature_process_id: int | None = None
    account_bundle: AccountBundle | None = None
    line_users: dict[str, User] = field(default_factory=dict)
    created: list[SubscriptionInfo] = field(default_factory=list)
    subscription_ids: list[int] = field(default_factory=list)

    def user_for(self, msisdn: str | None) -> User:
        return self.line_users.get(msisdn or "", self.owner)
