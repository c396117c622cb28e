"""Account operations: the account, its tax, contracts, invoices, terms, payment info and
promotions (reference tags Accounts, Invoices, Terms, Payment info and Promotions)."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from mascustomers.accounts import reads
from mascustomers.accounts.schemas import (
    Account,
    AccountContracts,
    AccountInvoices,
    AccountPromotions,
    PaymentInfo,
    PromotionFilter,
    SignatureConfig,
    TaxAccountInfo,
    TermInfo,
)
from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)

AccountId = Annotated[Id, Path(description="account identifier")]
OptionalId = Annotated[Id | None, Query()]


@router.get("/v2/orgs/{orgId}/accounts/{accountId}", response_model=Account)
def get_account(*, accountId: AccountId, session: SessionDep, caller: CallerDep) -> Account:
    """Returns all the info about a single account given by accountId.

    ``work_orders`` lists every work order of the account, newest first; the deprecated
    ``work_order_id`` is the newest one's.
    """
    return reads.account_info(session, org_id=caller.org_id, account_id=accountId)


@router.get(
    "/v2/orgs/{orgId}/accounts/{accountId}/tax",
    response_model=TaxAccountInfo,
    response_model_exclude_none=True,
)
def get_account_tax(
    *,
    accountId: AccountId,
    session: SessionDep,
    caller: CallerDep,
    include_historical_changes: Annotated[
        bool, Query(description="true when you want to include historical changes")
    ] = False,
    historical_changes_start_date: Annotated[
        datetime | None, Query(description="yyyy-mm-ddThh:MM:ssZ; periods ending from then")
    ] = None,
    historical_changes_end_date: Annotated[
        datetime | None, Query(description="yyyy-mm-ddThh:MM:ssZ; periods starting until then")
    ] = None,
) -> TaxAccountInfo:
    """Return tax value by accountId.

    The tax of the account's current province (IVA, IGIC, IPSI) and since when it applies.
    With ``include_historical_changes=true``, ``historical_changes`` lists the earlier periods
    that overlap the optional window, newest first.
    """
    return reads.account_tax(
        session,
        org_id=caller.org_id,
        account_id=accountId,
        include_historical_changes=include_historical_changes,
        start=historical_changes_start_date,
        end=historical_changes_end_date,
    )


@router.get(
    "/v2/orgs/{orgId}/accounts/{accountId}/contracts",
    response_model=AccountContracts,
)
def get_account_contracts(
    *,
    accountId: AccountId,
    session: SessionDep,
    caller: CallerDep,
    signature_config: Annotated[SignatureConfig, Query(description="Signature config")],
    account_bundle_id: OptionalId = None,
    subscription_id: OptionalId = None,
    subscription_terminal_id: OptionalId = None,
    iccid: Annotated[str | None, Query(max_length=20)] = None,
) -> AccountContracts:
    """Get account contracts.

    The contract documents of the account signed with ``signature_config`` (mandatory),
    narrowed by bundle, line, terminal or SIM when given.
    """
    return reads.account_contracts(
        session,
        org_id=caller.org_id,
        account_id=accountId,
        signature_config=signature_config,
        account_bundle_id=account_bundle_id,
        subscription_id=subscription_id,
        subscription_terminal_id=subscription_terminal_id,
        iccid=iccid,
    )


@router.get("/v2/orgs/{orgId}/accounts/{accountId}/invoices", response_model=AccountInvoices)
def get_account_invoices(
    *,
    accountId: AccountId,
    session: SessionDep,
    caller: CallerDep,
    start_date: Annotated[date | None, Query(description="yyyy-mm-dd")] = None,
    end_date: Annotated[date | None, Query(description="yyyy-mm-dd")] = None,
) -> AccountInvoices:
    """Returns invoices info related to a given accountId.

    Invoices issued between ``start_date`` and ``end_date`` (both included, org time zone;
    default: the year up to today), newest first. Amounts are JSON numbers.
    """
    return reads.account_invoices(
        session,
        org_id=caller.org_id,
        account_id=accountId,
        start_date=start_date,
        end_date=end_date,
        today=caller.today,
        tz=caller.tz,
    )


@router.get(
    "/v2/orgs/{orgId}/accounts/{accountId}/terms",
    response_model=list[TermInfo],
)
def get_account_terms(
    *, accountId: AccountId, session: SessionDep, caller: CallerDep
) -> list[TermInfo]:
    """Returns terms info given by accountId. Items are ordered with end date descending order.

    Every permanence of the account not cancelled: those of promotions and of financed
    terminals, with their penalty amount.
    """
    return reads.account_terms(session, org_id=caller.org_id, account_id=accountId, tz=caller.tz)


@router.get("/v2/orgs/{orgId}/accounts/{accountId}/paymentinfo", response_model=PaymentInfo)
def get_payment_info(
    *, accountId: AccountId, session: SessionDep, caller: CallerDep
) -> PaymentInfo:
    """Returns payment info (bank account) given by accountId.

    A bank account is split into its Spanish CCC parts; a card is shown by its reference and
    masked number only.
    """
    return reads.payment_info(session, org_id=caller.org_id, account_id=accountId)


@router.get(
    "/v2/orgs/{orgId}/accounts/{accountId}/promotions",
    response_model=AccountPromotions,
)
def get_account_promotions(
    *,
    accountId: AccountId,
    session: SessionDep,
    caller: CallerDep,
    filter: Annotated[
        list[PromotionFilter] | None,
        Query(description="'inactive' to show ended promotions instead of the active ones"),
    ] = None,
) -> AccountPromotions:
    """Returns an array of promotions grouped in three levels (subscription, account, account
    bundle). Default response includes active and scheduled promotions.
    """
    return reads.account_promotions(
        session,
        org_id=caller.org_id,
        account_id=accountId,
        filters=filter or [],
        now=caller.now,
    )
