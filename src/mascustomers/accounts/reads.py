"""Reads of one account: the account with its work orders, tax, contracts, payment info."""

import re
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.accounts import queries
from mascustomers.accounts.labels import ref
from mascustomers.accounts.read_schemas import (
    Account,
    AccountContracts,
    BankAccount,
    ContractInfo,
    CreditCard,
    PaymentInfo,
    PaymentMethod,
    SignatureConfig,
    TaxAccountInfo,
    TaxChange,
    WorkOrderInfo,
)
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.db.prepared import AnyRow
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.bank_accounts import (
    InvalidBankAccount,
    InvalidCard,
    mask_card_number,
    split_spanish_iban,
)
from mascustomers.kit.clock import ensure_utc

_MASKED = re.compile(r"[0-9]{0,6}\*+[0-9]{0,4}")


def account_row(session: Session, *, org_id: int, account_id: int) -> AnyRow:
    """The org's account, or ``NotFound`` (also for another org's account)."""
    row = queries.account_row(session, org_id=org_id, account_id=account_id)
    if row is None:
        raise NotFound(f"account {account_id} not found")
    return row


def account_info(session: Session, *, org_id: int, account_id: int) -> Account:
    account = account_row(session, org_id=org_id, account_id=account_id)
    orders = [
        WorkOrderInfo(
            work_order_id=row.work_order_id,
            work_order_type=ref(MasterDataList.WORK_ORDER_TYPES, row.type_id),
            status=ref(MasterDataList.WORK_ORDER_STATUSES, row.status_id),
            created_date=row.created_at,
        )
        for row in queries.work_orders(session, account_id=account.id)
    ]
    return Account(
        id=account.id,
        customer_id=account.customer_id,
        account_number=account.account_number,
        work_order_id=orders[0].work_order_id if orders else None,
        work_orders=orders,
        activation_date=account.activated_at,
        billing_type=ref(MasterDataList.BILLING_TYPES, account.billing_type_id),
        status=ref(MasterDataList.ACCOUNT_STATUSES, account.status_id),
        path=account.contract_path,
        filename=account.contract_filename,
    )


def account_tax(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    include_historical_changes: bool,
    start: datetime | None,
    end: datetime | None,
) -> TaxAccountInfo:
    """The current tax; with ``include_historical_changes`` the earlier periods in the window."""
    start = ensure_utc(start) if start is not None else None
    end = ensure_utc(end) if end is not None else None
    if start is not None and end is not None and end < start:
        raise ValidationFailed(
            "historical_changes_end_date: must not be before historical_changes_start_date"
        )
    account = account_row(session, org_id=org_id, account_id=account_id)
    current = queries.current_tax(session, account_id=account.id)
    if current is None:
        raise NotFound(f"account {account_id} has no tax province")
    history = None
    if include_historical_changes:
        history = [
            TaxChange(
                tax_value=row.tax_value,
                tax_terminal_value=row.tax_terminal_value,
                state_id=row.state_id,
                description=row.description,
                start_date=row.start_at,
                end_date=row.end_at,
            )
            for row in queries.past_taxes(session, account_id=account.id, start=start, end=end)
        ]
    return TaxAccountInfo(
        id=account.id,
        tax_value=current.tax_value,
        tax_terminal_value=current.tax_terminal_value,
        state_id=current.state_id,
        description=current.description,
        start_date=current.start_at,
        historical_changes=history,
    )


def account_contracts(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    signature_config: SignatureConfig,
    account_bundle_id: int | None = None,
    subscription_id: int | None = None,
    subscription_terminal_id: int | None = None,
    iccid: str | None = None,
) -> AccountContracts:
    """The account's contract documents of one signature configuration, oldest first."""
    account = account_row(session, org_id=org_id, account_id=account_id)
    rows = queries.contracts(
        session,
        account_id=account.id,
        signature_config=signature_config.value,
        account_bundle_id=account_bundle_id,
        subscription_id=subscription_id,
        subscription_terminal_id=subscription_terminal_id,
        iccid=iccid,
    )
    return AccountContracts(
        contracts=[
            ContractInfo(
                account_bundle_id=row.account_bundle_id,
                account_id=row.account_id,
                pdf_file_name=row.pdf_file_name,
                document_id=row.document_id,
                # Where a digital signature came from: the signing process, when there is one.
                digital_signature_origin_id=row.process_id
                if row.signature_type == "DIGITAL"
                else None,
                ineid=None,
                iccid=row.iccid,
                ccggid=None,
                subscription_id=row.subscription_id,
                subscription_terminal_id=row.subscription_terminal_id,
                process_id=row.process_id,
                status=row.status,
                signed_document_id=row.document_id if row.status == "FIRMADO" else None,
                contract_id=row.contract_id,
            )
            for row in rows
        ]
    )


def payment_info(session: Session, *, org_id: int, account_id: int) -> PaymentInfo:
    """How the account pays: its bank account (CCC parts) or its card, never in clear."""
    account = account_row(session, org_id=org_id, account_id=account_id)
    bank_account = None
    if account.iban:
        try:
            parts = split_spanish_iban(account.iban)
            bank_account = BankAccount(**parts._asdict())
        except InvalidBankAccount:
            bank_account = BankAccount(
                entity=None, subsidiary=None, control_digit=None, number=None, iban=account.iban
            )
    credit_card = None
    if account.card_reference or account.card_masked_number:
        credit_card = CreditCard(
            reference=account.card_reference,
            type_id=account.card_type_id,
            number=_masked(account.card_masked_number),
            validity_date=account.card_validity,
        )
    return PaymentInfo(
        payment_method=PaymentMethod(account.payment_method),
        bank_account=bank_account,
        credit_card=credit_card,
    )


def _masked(number: str | None) -> str | None:
    """A card number as shown: kept if already masked, masked if stored in clear, else None."""
    if not number:
        return None
    if _MASKED.fullmatch(number):
        return number
    try:
        return mask_card_number(number)
    except InvalidCard:
        return None
