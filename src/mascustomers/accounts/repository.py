"""All SQL about accounts: the rows services change, and the reads' typed column selects.

Reads are column selects, each index-backed: the account by primary key (and org), everything
under it by its ``account_id`` index (``ix_work_order_account_id``, ``ix_account_tax_account_id``,
``ix_contract_account_id``, ``ix_invoice_account_id``, ``ix_commitment_account_id``,
``ix_applied_promotion_account_id``); catalogue names by primary key. The fixed ones are
``PreparedSelect``s; each names the ``NamedTuple`` of its rows.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from mascustomers.db.prepared import PreparedSelect, rows_of
from mascustomers.db.repository import OrgRows
from mascustomers.models import (
    Account,
    AccountBundle,
    AccountTax,
    AppliedPromotion,
    CatalogueDevice,
    CataloguePromotion,
    Commitment,
    Contract,
    Invoice,
    SubscriptionTerminal,
    WorkOrder,
)

_ACCOUNTS = OrgRows(Account)


def get_account(session: Session, *, org_id: int, account_id: int) -> Account | None:
    return _ACCOUNTS.get(session, org_id=org_id, row_id=account_id)


def current_bundle(session: Session, *, account_id: int) -> AccountBundle | None:
    return session.scalars(
        select(AccountBundle)
        .where(AccountBundle.account_id == account_id, AccountBundle.ended_at.is_(None))
        .order_by(AccountBundle.id.desc())
        .limit(1)
    ).first()


def open_tax_period(session: Session, *, account_id: int) -> AccountTax | None:
    return session.scalars(
        select(AccountTax).where(AccountTax.account_id == account_id, AccountTax.end_at.is_(None))
    ).first()


class AccountRow(NamedTuple):
    id: int
    customer_id: int
    account_number: str
    billing_type_id: int
    status_id: int
    activated_at: datetime | None
    payment_method: str
    iban: str | None
    card_reference: str | None
    card_type_id: int | None
    card_masked_number: str | None
    card_validity: str | None
    contract_path: str | None
    contract_filename: str | None


_ACCOUNT = PreparedSelect(
    select(
        Account.id,
        Account.customer_id,
        Account.account_number,
        Account.billing_type_id,
        Account.status_id,
        Account.activated_at,
        Account.payment_method,
        Account.iban,
        Account.card_reference,
        Account.card_type_id,
        Account.card_masked_number,
        Account.card_validity,
        Account.contract_path,
        Account.contract_filename,
    ).where(Account.id == bindparam("account_id"), _ACCOUNTS.prepared),
    AccountRow,
)


def account_row(session: Session, *, org_id: int, account_id: int) -> AccountRow | None:
    return _ACCOUNT.first(session, account_id=account_id, org_id=org_id)


class WorkOrderRow(NamedTuple):
    work_order_id: str
    type_id: int
    status_id: int
    created_at: datetime


_WORK_ORDERS = PreparedSelect(
    select(WorkOrder.work_order_id, WorkOrder.type_id, WorkOrder.status_id, WorkOrder.created_at)
    .where(WorkOrder.account_id == bindparam("account_id"))
    .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc()),
    WorkOrderRow,
)


def work_orders(session: Session, *, account_id: int) -> list[WorkOrderRow]:
    """The account's work orders, newest first."""
    return _WORK_ORDERS.all(session, account_id=account_id)


class TaxRow(NamedTuple):
    state_id: int
    description: str
    tax_value: Decimal
    tax_terminal_value: Decimal
    start_at: datetime
    end_at: datetime | None


_TAX_COLUMNS = (
    AccountTax.state_id,
    AccountTax.description,
    AccountTax.tax_value,
    AccountTax.tax_terminal_value,
    AccountTax.start_at,
    AccountTax.end_at,
)


_CURRENT_TAX = PreparedSelect(
    select(*_TAX_COLUMNS)
    .where(AccountTax.account_id == bindparam("account_id"), AccountTax.end_at.is_(None))
    .order_by(AccountTax.start_at.desc()),
    TaxRow,
)


def current_tax(session: Session, *, account_id: int) -> TaxRow | None:
    return _CURRENT_TAX.first(session, account_id=account_id)


def past_taxes(
    session: Session, *, account_id: int, start: datetime | None, end: datetime | None
) -> list[TaxRow]:
    """Closed tax periods overlapping ``[start, end]`` (either bound optional), newest first."""
    query = select(*_TAX_COLUMNS).where(
        AccountTax.account_id == account_id, AccountTax.end_at.is_not(None)
    )
    if start is not None:
        query = query.where(AccountTax.end_at >= start)
    if end is not None:
        query = query.where(AccountTax.start_at <= end)
    return rows_of(TaxRow, session, query.order_by(AccountTax.start_at.desc()))


class ContractRow(NamedTuple):
    account_id: int
    account_bundle_id: int | None
    pdf_file_name: str
    document_id: str
    iccid: str | None
    subscription_id: int | None
    subscription_terminal_id: int | None
    process_id: str | None
    signature_type: str | None
    status: str
    contract_id: str


def contracts(
    session: Session,
    *,
    account_id: int,
    signature_config: str,
    account_bundle_id: int | None,
    subscription_id: int | None,
    subscription_terminal_id: int | None,
    iccid: str | None,
) -> list[ContractRow]:
    query = select(
        Contract.account_id,
        Contract.account_bundle_id,
        Contract.pdf_file_name,
        Contract.document_id,
        Contract.iccid,
        Contract.subscription_id,
        Contract.subscription_terminal_id,
        Contract.process_id,
        Contract.signature_type,
        Contract.status,
        Contract.contract_id,
    ).where(Contract.account_id == account_id, Contract.signature_config == signature_config)
    if account_bundle_id is not None:
        query = query.where(Contract.account_bundle_id == account_bundle_id)
    if subscription_id is not None:
        query = query.where(Contract.subscription_id == subscription_id)
    if subscription_terminal_id is not None:
        query = query.where(Contract.subscription_terminal_id == subscription_terminal_id)
    if iccid is not None:
        query = query.where(Contract.iccid == iccid)
    return rows_of(ContractRow, session, query.order_by(Contract.created_at, Contract.id))


class InvoiceRow(NamedTuple):
    number: str
    cycle_start: date
    cycle_end: date
    issued_at: datetime
    value: Decimal
    value_total: Decimal
    status_id: int
    paid_at: datetime | None
    delivery_mode: str
    path: str


def invoices(
    session: Session, *, account_id: int, issued_from: datetime, issued_before: datetime
) -> list[InvoiceRow]:
    """The account's invoices issued in ``[issued_from, issued_before)``, newest first."""
    query = (
        select(
            Invoice.number,
            Invoice.cycle_start,
            Invoice.cycle_end,
            Invoice.issued_at,
            Invoice.value,
            Invoice.value_total,
            Invoice.status_id,
            Invoice.paid_at,
            Invoice.delivery_mode,
            Invoice.path,
        )
        .where(
            Invoice.account_id == account_id,
            Invoice.issued_at >= issued_from,
            Invoice.issued_at < issued_before,
        )
        .order_by(Invoice.issued_at.desc(), Invoice.id.desc())
    )
    return rows_of(InvoiceRow, session, query)


class CommitmentRow(NamedTuple):
    subscription_id: int | None
    account_bundle_id: int | None
    associated_type: str
    promotion_id: int | None
    subscription_terminal_id: int | None
    months: int
    start_date: date
    end_date: date
    penalty_amount: Decimal
    promotion_code: str | None
    promotion_name: str | None
    device_name: str | None
    device_model: str | None


def commitments(session: Session, *, org_id: int, account_id: int) -> list[CommitmentRow]:
    """The account's commitments not cancelled, newest end date first, with what they bind."""
    query = (
        select(
            Commitment.subscription_id,
            Commitment.account_bundle_id,
            Commitment.associated_type,
            Commitment.promotion_id,
            Commitment.subscription_terminal_id,
            Commitment.months,
            Commitment.start_date,
            Commitment.end_date,
            Commitment.penalty_amount,
            CataloguePromotion.code.label("promotion_code"),
            CataloguePromotion.name.label("promotion_name"),
            CatalogueDevice.name.label("device_name"),
            CatalogueDevice.model.label("device_model"),
        )
        .outerjoin(
            CataloguePromotion,
            and_(
                CataloguePromotion.org_id == org_id,
                CataloguePromotion.promotion_id == Commitment.promotion_id,
            ),
        )
        .outerjoin(
            SubscriptionTerminal, SubscriptionTerminal.id == Commitment.subscription_terminal_id
        )
        .outerjoin(
            CatalogueDevice,
            and_(
                CatalogueDevice.org_id == org_id,
                CatalogueDevice.catalogue_id == SubscriptionTerminal.catalogue_id,
            ),
        )
        .where(Commitment.account_id == account_id, Commitment.cancelled_at.is_(None))
        .order_by(Commitment.end_date.desc(), Commitment.id.desc())
    )
    return rows_of(CommitmentRow, session, query)


class AppliedPromotionRow(NamedTuple):
    promotion_id: int
    level: str
    account_bundle_id: int | None
    subscription_id: int | None
    start_at: datetime
    end_at: datetime | None
    code: str | None
    name: str | None
    benefit_type: str | None
    benefit_value: Decimal | None
    commitment_months: int | None


def applied_promotions(
    session: Session, *, org_id: int, account_id: int, now: datetime, active: bool, inactive: bool
) -> list[AppliedPromotionRow]:
    """Promotions applied on the account: in force or scheduled (``active``) and/or ended."""
    query = (
        select(
            AppliedPromotion.promotion_id,
            AppliedPromotion.level,
            AppliedPromotion.account_bundle_id,
            AppliedPromotion.subscription_id,
            AppliedPromotion.start_at,
            AppliedPromotion.end_at,
            CataloguePromotion.code,
            CataloguePromotion.name,
            CataloguePromotion.benefit_type,
            CataloguePromotion.benefit_value,
            CataloguePromotion.commitment_months,
        )
        .outerjoin(
            CataloguePromotion,
            and_(
                CataloguePromotion.org_id == org_id,
                CataloguePromotion.promotion_id == AppliedPromotion.promotion_id,
            ),
        )
        .where(AppliedPromotion.account_id == account_id)
    )
    ended = and_(AppliedPromotion.end_at.is_not(None), AppliedPromotion.end_at <= now)
    if active and not inactive:
        query = query.where(or_(AppliedPromotion.end_at.is_(None), AppliedPromotion.end_at > now))
    elif inactive and not active:
        query = query.where(ended)
    query = query.order_by(AppliedPromotion.start_at, AppliedPromotion.id)
    return rows_of(AppliedPromotionRow, session, query)
