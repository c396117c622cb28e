"""What every selling operation on an existing account shares: loading it and deciding risk."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.errors import AccountNotActive, BundleDoesNotAllow
from mascustomers.accounts.states import AccountStatus
from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.customers import service as customers_service
from mascustomers.errors import NotFound
from mascustomers.models import Account, AccountBundle, CatalogueBundle, Customer, Sell, User
from mascustomers.risk import service as risk_service
from mascustomers.risk.policy import Assessment
from mascustomers.signups.context import OrderContext


@dataclass(frozen=True)
class ConvergentAccount:
    account: Account
    account_bundle: AccountBundle
    bundle: CatalogueBundle
    customer: Customer
    owner: User


def load_convergent_account(
    session: Session, *, caller: Caller, account_id: int
) -> ConvergentAccount:
    """An active account of the caller's org with a live bundle, or the matching error."""
    account = accounts_service.get_account(session, org_id=caller.org_id, account_id=account_id)
    if account is None:
        raise NotFound(f"account {account_id} not found")
    if account.status_id != AccountStatus.ACTIVO:
        raise AccountNotActive(
            f"account.account_id: account {account_id} is {AccountStatus(account.status_id).label}"
        )
    account_bundle = accounts_service.current_bundle(session, account_id=account.id)
    if account_bundle is None:
        raise BundleDoesNotAllow(
            f"account.account_id: account {account_id} has no convergent bundle"
        )
    bundle = catalog_service.bundle(
        session,
        org_id=caller.org_id,
        bundle_id=account_bundle.bundle_id,
        field="account.account_id",
    )
    customer = customers_service.get_customer(
        session, org_id=caller.org_id, customer_id=account.customer_id
    )
    owner = customers_service.get_user(session, org_id=caller.org_id, user_id=account.owner_user_id)
    assert customer is not None
    assert owner is not None
    return ConvergentAccount(account, account_bundle, bundle, customer, owner)


def assess(session: Session, *, caller: Caller, customer_id: int, financed: Decimal) -> Assessment:
    return risk_service.decide(
        session,
        org_id=caller.org_id,
        customer_id=customer_id,
        scoring_value=None,
        credit_limit_available=None,
        financed_amount=financed,
        now=caller.now,
    )


def record_sell(
    session: Session,
    *,
    caller: Caller,
    kind: str,
    request: dict[str, Any],
    assessment: Assessment,
    sales: Any,
    customer_id: int | None,
    account_id: int | None,
    reserved_id: int | None = None,
) -> Sell:
    """The order as the channel placed it (``sales``: its sales_info), with its decision."""
    return risk_service.record_sell(
        session,
        org_id=caller.org_id,
        kind=kind,
        request=request,
        assessment=assessment,
        customer_id=customer_id,
        account_id=account_id,
        actor=caller.actor,
        now=caller.now,
        origin_ip=caller.origin_ip,
        channel=getattr(sales, "channel", None),
        dealer_id=getattr(sales, "dealer_id", None),
        shop_id=getattr(sales, "shop_id", None),
        agent_id=getattr(sales, "agent_id", None),
        reserved_id=reserved_id,
    )


def context_for(
    session: Session,
    *,
    caller: Caller,
    target: ConvergentAccount,
    sell: Sell,
    held: bool,
    sales: Any,
) -> OrderContext:
    return OrderContext(
        session=session,
        org_id=caller.org_id,
        actor=caller.actor,
        now=caller.now,
        today=caller.today,
        held=held,
        billing_type_id=target.account.billing_type_id,
        customer=target.customer,
        owner=target.owner,
        account=target.account,
        sell=sell,
        dealer_id=getattr(sales, "dealer_id", None),
        shop_id=getattr(sales, "shop_id", None),
        signature_type=getattr(sales, "signature_type", None),
        signature_process_id=getattr(sales, "signature_process_id", None),
        account_bundle=target.account_bundle,
    )
