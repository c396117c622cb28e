"""What every selling operation on an existing convergent account shares: loading it and the
order's context."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.errors import AccountNotActive, BundleDoesNotAllow
from mascustomers.accounts.states import AccountStatus
from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.customers import service as customers_service
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import NotFound
from mascustomers.models import Account, AccountBundle, CatalogueBundle, Customer, Sell, User
from mascustomers.signups.context import OrderContext, SaleTerms


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


def context_for(
    uow: UnitOfWork,
    *,
    caller: Caller,
    target: ConvergentAccount,
    sell: Sell,
    held: bool,
    sales: Any,
) -> OrderContext:
    """The order of lines added to ``target``'s bundle."""
    return OrderContext(
        uow=uow,
        caller=caller,
        held=held,
        billing_type_id=target.account.billing_type_id,
        customer=target.customer,
        owner=target.owner,
        account=target.account,
        sell=sell,
        sale=SaleTerms.of(sales),
        account_bundle=target.account_bundle,
    )
