"""Read-side SQL of the account operations: column selects, each index-backed.

The account is read by primary key (and org); everything under it by its ``account_id`` index
(``ix_work_order_account_id``, ``ix_account_tax_account_id``, ``ix_contract_account_id``,
``ix_invoice_account_id``, ``ix_commitment_account_id``, ``ix_applied_promotion_account_id``);
catalogue names by primary key. Statements are built once with bind parameters and run on the
session's connection (see ``customers.queries``).
"""

from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from mascustomers.db.prepared import AnyRow, PreparedSelect, run
from mascustomers.models import (
    Account,
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
    ).where(Account.id == bindparam("account_id"), Account.org_id == bindparam("org_id"))
)


def account_row(session: Session, *, org_id: int, account_id: int) -> AnyRow | None:
    return run(session, _ACCOUNT, account_id=account_id, org_id=org_id).first()


_WORK_ORDERS = PreparedSelect(
    select(WorkOrder.work_order_id, WorkOrder.type_id, WorkOrder.status_id, WorkOrder.created_at)
    .where(WorkOrder.account_id == bindparam("account_id"))
    .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
)


def work_orders(session: Session, *, account_id: int) -> list[AnyRow]:
    """The account's work orders, newest first."""
    return list(run(session, _WORK_ORDERS, account_id=account_id).all())


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
    .order_by(AccountTax.start_at.desc())
)


def current_tax(session: Session, *, account_id: int) -> AnyRow | None:
    return run(session, _CURRENT_TAX, account_id=account_id).first()


def past_taxes(
    session: Session, *, account_id: int, start: datetime | None, end: datetime | None
) -> list[AnyRow]:
    """Closed tax periods overlapping ``[start, end]`` (either bound optional), newest first."""
    query = select(*_TAX_COLUMNS).where(
        AccountTax.account_id == account_id, AccountTax.end_at.is_not(None)
    )
    if start is not None:
        query = query.where(AccountTax.end_at >= start)
    if end is not None:
        query = query.where(AccountTax.start_at <= end)
    return list(run(session, query.order_by(AccountTax.start_at.desc())).all())


def contracts(
    session: Session,
    *,
    account_id: int,
    signature_config: str,
    account_bundle_id: int | None,
    subscription_id: int | None,
    subscription_terminal_id: int | None,
    iccid: str | None,
) -> list[AnyRow]:
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
    return list(run(session, query.order_by(Contract.created_at, Contract.id)).all())


def invoices(
    session: Session, *, account_id: int, issued_from: datetime, issued_before: datetime
) -> list[AnyRow]:
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
    return list(run(session, query).all())


def commitments(session: Session, *, org_id: int, account_id: int) -> list[AnyRow]:
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
    return list(run(session, query).all())


def applied_promotions(
    session: Session, *, org_id: int, account_id: int, now: datetime, active: bool, inactive: bool
) -> list[AnyRow]:
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
    return list(run(session, query.order_by(AppliedPromotion.start_at, AppliedPromotion.id)).all())
