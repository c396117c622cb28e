"""What the account read operations answer: the account with its work orders, tax, contracts
and payment info; what it was sold and billed: invoices, terms (commitments), promotions.

Built from the repository's typed rows (``accounts.repository``), master-data ids shown as
``{"id", "value"}``."""

import re
from collections.abc import Collection
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from mascustomers.accounts import repository
from mascustomers.accounts.repository import (
    AccountRow,
    AppliedPromotionRow,
    CommitmentRow,
)
from mascustomers.accounts.schemas import (
    Account,
    AccountContracts,
    AccountInvoices,
    AccountPromotion,
    AccountPromotions,
    AccountRef,
    BankAccount,
    BenefitType,
    BundlePromotion,
    ContractInfo,
    CreditCard,
    Cycle,
    InvoiceInfo,
    PaymentInfo,
    PaymentMethod,
    Period,
    PromotionFilter,
    SignatureConfig,
    SubscriptionPromotion,
    TaxAccountInfo,
    TaxChange,
    TermInfo,
    TermPromotion,
    WorkOrderInfo,
)
from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.bank_accounts import (
    InvalidBankAccount,
    InvalidCard,
    mask_card_number,
    split_spanish_iban,
)
from mascustomers.kit.clock import ensure_utc, start_of_day


def ref(kind: MasterDataList, item_id: int | None) -> AccountRef:
    item = master_data.entry(kind, item_id) if item_id is not None else None
    return AccountRef(id=item_id, value=None if item is None else item.value)


_MASKED = re.compile(r"[0-9]{0,6}\*+[0-9]{0,4}")


def account_row(session: Session, *, org_id: int, account_id: int) -> AccountRow:
    """The org's account, or ``NotFound`` (also for another org's account)."""
    row = repository.account_row(session, org_id=org_id, account_id=account_id)
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
        for row in repository.work_orders(session, account_id=account.id)
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
    current = repository.current_tax(session, account_id=account.id)
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
            for row in repository.past_taxes(session, account_id=account.id, start=start, end=end)
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
    rows = repository.contracts(
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


_BENEFIT_TYPE_IDS = {"percentage": 1, "amount": 2}
_PLAIN_DISCOUNT = AccountRef(id=1, value="DESCUENTO")
_BINDING_DISCOUNT = AccountRef(id=2, value="DESCUENTO CON PERMANENCIA")


def account_invoices(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    start_date: date | None,
    end_date: date | None,
    today: date,
    tz: str,
) -> AccountInvoices:
    """Invoices issued in the period (org dates, both ends included), newest first.

    ``end_date`` defaults to today and ``start_date`` to a year before ``end_date``. Only
    invoices a billing run stored are listed; nothing is made up for an account not billed yet.
    """
    end = end_date or today
    start = start_date or end - relativedelta(years=1)
    if end < start:
        raise ValidationFailed("end_date: must not be before start_date")
    account = account_row(session, org_id=org_id, account_id=account_id)
    rows = repository.invoices(
        session,
        account_id=account.id,
        issued_from=start_of_day(start, tz),
        issued_before=start_of_day(end + timedelta(days=1), tz),
    )
    return AccountInvoices(
        account_id=account.id,
        period_date=Period(start_date=start, end_date=end),
        invoices=[invoice_info(row, tz) for row in rows],
    )


def invoice_info(row: Any, tz: str) -> InvoiceInfo:
    """One invoice as GET accounts/{accountId}/invoices lists it (a row or an ``Invoice``)."""
    return InvoiceInfo(
        value=row.value,
        value_total=row.value_total,
        delivery_mode=row.delivery_mode,
        date=row.issued_at,
        pay_date=row.paid_at,
        number=row.number,
        path=row.path,
        status=ref(MasterDataList.INVOICE_STATUSES, row.status_id),
        cycle=Cycle(
            start_date=start_of_day(row.cycle_start, tz),
            end_date=start_of_day(row.cycle_end, tz),
        ),
    )


def account_terms(session: Session, *, org_id: int, account_id: int, tz: str) -> list[TermInfo]:
    """The account's commitments (not cancelled), newest end date first."""
    account = account_row(session, org_id=org_id, account_id=account_id)
    return [
        _term(row, tz)
        for row in repository.commitments(session, org_id=org_id, account_id=account.id)
    ]


def _term(row: CommitmentRow, tz: str) -> TermInfo:
    terminal = row.associated_type == "terminal"
    if terminal:
        promotion = TermPromotion(
            id=None,
            value=None,
            description=f"PERMANENCIA TERMINAL {_amount(row.penalty_amount)}E {row.months}M",
        )
        device = " ".join(part for part in (row.device_name, row.device_model) if part)
        associated_terminal = AccountRef(id=row.subscription_terminal_id, value=device or None)
    else:
        promotion = TermPromotion(
            id=row.promotion_id, value=row.promotion_code, description=row.promotion_name
        )
        associated_terminal = None
    return TermInfo(
        subscription_id=row.subscription_id,
        start_date=start_of_day(row.start_date, tz),
        end_date=start_of_day(row.end_date, tz),
        penalty_amount=row.penalty_amount,
        terms_months=row.months,
        account_bundle_id=row.account_bundle_id,
        binding_type=AccountRef(id=row.months, value=f"{row.months} MESES"),
        promotion=promotion,
        associated_type="terminal" if terminal else "promotion",
        associated_terminal=associated_terminal,
    )


def _amount(value: Decimal) -> str:
    """150.00 → "150", 99.50 → "99.5" (as in "PERMANENCIA TERMINAL 150E 24M")."""
    return format(value.normalize(), "f")


def account_promotions(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    filters: Collection[PromotionFilter],
    now: datetime,
) -> AccountPromotions:
    """Promotions by level; by default those in force and scheduled, ``inactive`` the ended."""
    wanted = set(filters) or {PromotionFilter.ACTIVE}
    account = account_row(session, org_id=org_id, account_id=account_id)
    rows = repository.applied_promotions(
        session,
        org_id=org_id,
        account_id=account.id,
        now=now,
        active=PromotionFilter.ACTIVE in wanted,
        inactive=PromotionFilter.INACTIVE in wanted,
    )
    return AccountPromotions(
        subscription_promotions=[
            _line_promotion(row) for row in rows if row.level == "subscription"
        ],
        account_promotions=[_account_promotion(row) for row in rows if row.level == "account"],
        account_bundle_promotions=[
            _bundle_promotion(row) for row in rows if row.level not in ("subscription", "account")
        ],
    )


def _line_promotion(row: AppliedPromotionRow) -> SubscriptionPromotion:
    return SubscriptionPromotion(
        subscription_id=row.subscription_id,
        promotion_id=row.promotion_id,
        promotion_code=row.code,
        promotion_name=row.name,
        association_date=row.start_at,
        end_date=row.end_at,
        account_bundle_id=row.account_bundle_id,
        promotion_benefit_type=_benefit(row),
        promotion_type=_kind(row),
    )


def _account_promotion(row: AppliedPromotionRow) -> AccountPromotion:
    return AccountPromotion(
        promotion_id=row.promotion_id,
        begin_date=row.start_at,
        promotion_name=row.name,
        end_date=row.end_at,
        promotion_benefit_type=_benefit(row),
        promotion_type=_kind(row),
    )


def _bundle_promotion(row: AppliedPromotionRow) -> BundlePromotion:
    return BundlePromotion(
        promotion_id=row.promotion_id,
        effective_date_ini=row.start_at,
        effective_date_end=row.end_at,
        promotion_name=row.name,
        account_bundle_id=row.account_bundle_id,
        promotion_benefit_type=_benefit(row),
        promotion_type=_kind(row),
    )


def _benefit(row: AppliedPromotionRow) -> BenefitType | None:
    type_id = _BENEFIT_TYPE_IDS.get(row.benefit_type or "")
    return None if type_id is None else BenefitType(id=type_id, value=row.benefit_value)


def _kind(row: AppliedPromotionRow) -> AccountRef:
    """A plain discount, or one that binds the customer to a permanence."""
    if row.name is None:
        return AccountRef(id=None, value=None)
    return _BINDING_DISCOUNT if row.commitment_months else _PLAIN_DISCOUNT
