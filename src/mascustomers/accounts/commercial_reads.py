"""Reads of what an account was sold and billed: invoices, terms (commitments), promotions."""

from collections.abc import Collection
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from mascustomers.accounts import queries
from mascustomers.accounts.labels import ref
from mascustomers.accounts.read_schemas import (
    AccountInvoices,
    AccountPromotion,
    AccountPromotions,
    AccountRef,
    BenefitType,
    BundlePromotion,
    Cycle,
    InvoiceInfo,
    Period,
    PromotionFilter,
    SubscriptionPromotion,
    TermInfo,
    TermPromotion,
)
from mascustomers.accounts.reads import account_row
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.db.prepared import AnyRow
from mascustomers.errors import ValidationFailed
from mascustomers.kit.clock import start_of_day

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
    rows = queries.invoices(
        session,
        account_id=account.id,
        issued_from=start_of_day(start, tz),
        issued_before=start_of_day(end + timedelta(days=1), tz),
    )
    return AccountInvoices(
        account_id=account.id,
        period_date=Period(start_date=start, end_date=end),
        invoices=[
            InvoiceInfo(
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
            for row in rows
        ],
    )


def account_terms(session: Session, *, org_id: int, account_id: int, tz: str) -> list[TermInfo]:
    """The account's commitments (not cancelled), newest end date first."""
    account = account_row(session, org_id=org_id, account_id=account_id)
    return [
        _term(row, tz) for row in queries.commitments(session, org_id=org_id, account_id=account.id)
    ]


def _term(row: AnyRow, tz: str) -> TermInfo:
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
    rows = queries.applied_promotions(
        session,
        org_id=org_id,
        account_id=account.id,
        now=now,
        active=PromotionFilter.ACTIVE in wanted,
        inactive=PromotionFilter.INACTIVE in wanted,
    )
    by_line: list[SubscriptionPromotion] = []
    by_account: list[AccountPromotion] = []
    by_bundle: list[BundlePromotion] = []
    for row in rows:
        benefit, kind = _benefit(row), _kind(row)
        if row.level == "subscription":
            by_line.append(
                SubscriptionPromotion(
                    subscription_id=row.subscription_id,
                    promotion_id=row.promotion_id,
                    promotion_code=row.code,
                    promotion_name=row.name,
                    association_date=row.start_at,
                    end_date=row.end_at,
                    account_bundle_id=row.account_bundle_id,
                    promotion_benefit_type=benefit,
                    promotion_type=kind,
                )
            )
        elif row.level == "account":
            by_account.append(
                AccountPromotion(
                    promotion_id=row.promotion_id,
                    begin_date=row.start_at,
                    promotion_name=row.name,
                    end_date=row.end_at,
                    promotion_benefit_type=benefit,
                    promotion_type=kind,
                )
            )
        else:
            by_bundle.append(
                BundlePromotion(
                    promotion_id=row.promotion_id,
                    effective_date_ini=row.start_at,
                    effective_date_end=row.end_at,
                    promotion_name=row.name,
                    account_bundle_id=row.account_bundle_id,
                    promotion_benefit_type=benefit,
                    promotion_type=kind,
                )
            )
    return AccountPromotions(
        subscription_promotions=by_line,
        account_promotions=by_account,
        account_bundle_promotions=by_bundle,
    )


def _benefit(row: AnyRow) -> BenefitType | None:
    type_id = _BENEFIT_TYPE_IDS.get(row.benefit_type or "")
    return None if type_id is None else BenefitType(id=type_id, value=row.benefit_value)


def _kind(row: AnyRow) -> AccountRef:
    """A plain discount, or one that binds the customer to a permanence."""
    if row.name is None:
        return AccountRef(id=None, value=None)
    return _BINDING_DISCOUNT if row.commitment_months else _PLAIN_DISCOUNT
