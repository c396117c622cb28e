"""All SQL of billing: Core reads by account-id range (no ORM hydration) and bulk writes.

A run reads accounts in id order (keyset pagination) and loads everything about one batch
with a handful of range queries on indexed ``account_id`` columns, so each query's cost
follows the batch, not the customer base. The range queries deliberately do not filter on
``org_id``: the planner could then prefer the (unselective) org index and scan the whole
org per batch. Rows of other orgs' accounts inside the id range are dropped by the service,
which only keeps rows of the batch's accounts (selected by org).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, and_, bindparam, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from mascustomers.catalog.statuses import AccountStatus, BillingType, SubscriptionType
from mascustomers.db.ids import reserve_ids
from mascustomers.models import (
    Account,
    AccountTax,
    AppliedPromotion,
    CatalogueBonus,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    ComputedPenalty,
    Invoice,
    InvoiceLine,
    OrgSequence,
    PenaltyLine,
    Subscription,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionTerminal,
)
from mascustomers.sequences import next_value

# penalties.states.PenaltyStatus.CONFIRMED; a confirmed penalty's chosen lines are charged.
PENALTY_CONFIRMED = "CONFIRMED"
# subscriptions.devices.TERMINAL_ACTIVE: a terminal held by risk is not billed.
TERMINAL_ACTIVE = 3
BILLED_ACCOUNT_STATUSES = (AccountStatus.ACTIVO, AccountStatus.BAJA)


@dataclass(frozen=True)
class Window:
    """The instants a cycle spans, and the batch's account-id range."""

    opens_at: datetime
    closes_at: datetime
    first_id: int
    last_id: int


def billable_accounts(
    session: Session, *, org_id: int, cycle: str, closes_at: datetime, after_id: int, limit: int
) -> Sequence[Row[int, str, str, int]]:
    """The next postpaid accounts (id order) without an invoice for ``cycle``."""
    invoiced = exists().where(Invoice.account_id == Account.id, Invoice.cycle == cycle)
    return (
        session.connection()
        .execute(
            select(Account.id, Account.account_number, Account.delivery_mode, Account.state_id)
            .where(
                Account.org_id == org_id,
                Account.id > after_id,
                Account.billing_type_id == BillingType.POSPAGO,
                Account.status_id.in_(BILLED_ACCOUNT_STATUSES),
                Account.created_at < closes_at,
                ~invoiced,
            )
            .order_by(Account.id)
            .limit(limit)
        )
        .all()
    )


def _in_window(start: Any, end: Any, window: Window) -> Any:
    return and_(start < window.closes_at, or_(end.is_(None), end > window.opens_at))


def subscriptions(
    session: Session, *, window: Window
) -> Sequence[
    Row[int, int, int | None, int, str | None, str | None, datetime | None, datetime | None]
]:
    """Lines of the batch's accounts activated before the cycle closed and live in it."""
    return (
        session.connection()
        .execute(
            select(
                Subscription.id,
                Subscription.account_id,
                Subscription.account_bundle_id,
                Subscription.type_id,
                Subscription.identification_nr,
                Subscription.associated_number,
                Subscription.activated_at,
                Subscription.ended_at,
            )
            .where(
                Subscription.account_id.between(window.first_id, window.last_id),
                Subscription.type_id != SubscriptionType.PREPAID_MOBILE,
                Subscription.activated_at.is_not(None),
                _in_window(Subscription.activated_at, Subscription.ended_at, window),
            )
            .order_by(Subscription.id)
        )
        .all()
    )


Period = Row[int, int, datetime, datetime | None]


def _line_periods(
    session: Session,
    window: Window,
    *,
    subscription_id: InstrumentedAttribute[int],
    item_id: InstrumentedAttribute[int],
    start: InstrumentedAttribute[datetime],
    end: InstrumentedAttribute[datetime | None],
    order: InstrumentedAttribute[int],
) -> Sequence[Period]:
    """``(line, item, start, end)`` of what the batch's lines held (tariffs, bonuses) during
    the window."""
    return (
        session.connection()
        .execute(
            select(subscription_id, item_id, start, end)
            .join(Subscription, Subscription.id == subscription_id)
            .where(
                Subscription.account_id.between(window.first_id, window.last_id),
                _in_window(start, end, window),
            )
            .order_by(order)
        )
        .all()
    )


def product_periods(session: Session, *, window: Window) -> Sequence[Period]:
    return _line_periods(
        session,
        window,
        subscription_id=SubscriptionProduct.subscription_id,
        item_id=SubscriptionProduct.product_id,
        start=SubscriptionProduct.started_at,
        end=SubscriptionProduct.ended_at,
        order=SubscriptionProduct.id,
    )


def bonus_periods(session: Session, *, window: Window) -> Sequence[Period]:
    return _line_periods(
        session,
        window,
        subscription_id=SubscriptionBonus.subscription_id,
        item_id=SubscriptionBonus.bonus_id,
        start=SubscriptionBonus.start_at,
        end=SubscriptionBonus.end_at,
        order=SubscriptionBonus.id,
    )


def financed_terminals(
    session: Session, *, window: Window
) -> Sequence[Row[int, int, int, int, Decimal, Decimal, int, int]]:
    """Financed, active terminals with installments left, sold before the cycle closed.

    Unordered (the pricing orders them): an ORDER BY on the terminal id makes SQLite scan
    the terminal table instead of walking the batch's subscriptions.
    """
    return (
        session.connection()
        .execute(
            select(
                SubscriptionTerminal.id,
                Subscription.account_id,
                SubscriptionTerminal.subscription_id,
                SubscriptionTerminal.catalogue_id,
                SubscriptionTerminal.monthly_fee,
                SubscriptionTerminal.last_installment_fee,
                SubscriptionTerminal.installments,
                SubscriptionTerminal.installments_billed,
            )
            .join(Subscription, Subscription.id == SubscriptionTerminal.subscription_id)
            .where(
                Subscription.account_id.between(window.first_id, window.last_id),
                SubscriptionTerminal.financed.is_(True),
                SubscriptionTerminal.status_id == TERMINAL_ACTIVE,
                SubscriptionTerminal.installments_billed < SubscriptionTerminal.installments,
                SubscriptionTerminal.created_at < window.closes_at,
            )
        )
        .all()
    )


def applied_promotions(
    session: Session, *, window: Window
) -> Sequence[Row[int, int, int, str, int | None, int | None, datetime, datetime | None]]:
    return (
        session.connection()
        .execute(
            select(
                AppliedPromotion.id,
                AppliedPromotion.account_id,
                AppliedPromotion.promotion_id,
                AppliedPromotion.level,
                AppliedPromotion.subscription_id,
                AppliedPromotion.account_bundle_id,
                AppliedPromotion.start_at,
                AppliedPromotion.end_at,
            )
            .where(
                AppliedPromotion.account_id.between(window.first_id, window.last_id),
                _in_window(AppliedPromotion.start_at, AppliedPromotion.end_at, window),
            )
            .order_by(AppliedPromotion.id)
        )
        .all()
    )


def confirmed_penalties(
    session: Session, *, window: Window
) -> Sequence[Row[int, int, str, Decimal, int | None]]:
    """Confirmed penalty lines not charged yet."""
    return (
        session.connection()
        .execute(
            select(
                PenaltyLine.id,
                ComputedPenalty.account_id,
                PenaltyLine.description,
                PenaltyLine.value,
                PenaltyLine.subscription_id,
            )
            .join(ComputedPenalty, ComputedPenalty.id == PenaltyLine.computed_penalty_id)
            .where(
                ComputedPenalty.account_id.between(window.first_id, window.last_id),
                ComputedPenalty.status == PENALTY_CONFIRMED,
                PenaltyLine.confirmed.is_(True),
                PenaltyLine.invoice_id.is_(None),
            )
            .order_by(PenaltyLine.id)
        )
        .all()
    )


TaxRow = Row[int, str, Decimal, Decimal, datetime, datetime | None]


def tax_periods(session: Session, *, window: Window) -> Sequence[TaxRow]:
    return (
        session.connection()
        .execute(
            select(
                AccountTax.account_id,
                AccountTax.description,
                AccountTax.tax_value,
                AccountTax.tax_terminal_value,
                AccountTax.start_at,
                AccountTax.end_at,
            )
            .where(AccountTax.account_id.between(window.first_id, window.last_id))
            .order_by(AccountTax.account_id, AccountTax.start_at, AccountTax.id)
        )
        .all()
    )


def catalogue_products(session: Session, *, org_id: int) -> Sequence[Row[int, str, Decimal]]:
    return (
        session.connection()
        .execute(
            select(
                CatalogueProduct.product_id, CatalogueProduct.name, CatalogueProduct.monthly_price
            ).where(CatalogueProduct.org_id == org_id)
        )
        .all()
    )


def catalogue_bonuses(session: Session, *, org_id: int) -> Sequence[Row[int, str, Decimal]]:
    return (
        session.connection()
        .execute(
            select(CatalogueBonus.bonus_id, CatalogueBonus.name, CatalogueBonus.price).where(
                CatalogueBonus.org_id == org_id
            )
        )
        .all()
    )


def catalogue_promotions(session: Session, *, org_id: int) -> Sequence[Row[int, str, str, Decimal]]:
    return (
        session.connection()
        .execute(
            select(
                CataloguePromotion.promotion_id,
                CataloguePromotion.name,
                CataloguePromotion.benefit_type,
                CataloguePromotion.benefit_value,
            ).where(CataloguePromotion.org_id == org_id)
        )
        .all()
    )


def catalogue_devices(session: Session, *, org_id: int) -> Sequence[Row[int, str]]:
    return (
        session.connection()
        .execute(
            select(CatalogueDevice.catalogue_id, CatalogueDevice.name).where(
                CatalogueDevice.org_id == org_id
            )
        )
        .all()
    )


def lock_counter(session: Session, *, org_id: int, name: str) -> None:
    """Hold the org's counter ``name`` (made at 0 if new) until the transaction ends.

    A billing batch takes it before choosing its accounts: concurrent runs of a cycle then
    bill one batch after the other, each seeing what the one before committed, instead of
    pricing the same accounts and losing the race on ``(account_id, cycle)``. SQLite's writer
    holds the whole database already.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    found = session.execute(
        select(OrgSequence.last_value)
        .where(OrgSequence.org_id == org_id, OrgSequence.name == name)
        .with_for_update()
    ).first()
    if found is None:
        try:
            with session.begin_nested():
                session.execute(insert(OrgSequence).values(org_id=org_id, name=name, last_value=0))
        except IntegrityError:
            pass  # another run made it first
        session.execute(
            select(OrgSequence.last_value)
            .where(OrgSequence.org_id == org_id, OrgSequence.name == name)
            .with_for_update()
        )


def reserve_numbers(session: Session, *, org_id: int, name: str, count: int) -> int:
    """Take ``count`` consecutive values of the org's counter; the first of them.

    The first value comes from ``sequences.next_value`` (which creates the counter and
    holds its row lock until the transaction ends); the others in one more statement.
    """
    first = next_value(session, org_id=org_id, name=name)
    if count > 1:
        last = (
            session.connection()
            .execute(
                update(OrgSequence)
                .where(OrgSequence.org_id == org_id, OrgSequence.name == name)
                .values(last_value=OrgSequence.last_value + (count - 1))
                .returning(OrgSequence.last_value)
            )
            .scalar_one()
        )
        if last != first + count - 1:  # pragma: no cover - the row lock rules it out
            raise RuntimeError(f"counter {name} moved while reserving {count} values")
    return first


def insert_invoices(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert invoices with ids reserved first (``db.ids``); their ids by number.

    Without RETURNING the rows go through the driver's executemany (a pipeline on psycopg,
    the statement parsed once): one multi-row INSERT … RETURNING of a batch's invoices has
    thousands of placeholders, and psycopg parses each such statement anew.
    """
    ids = reserve_ids(session, {Invoice: len(rows)})[Invoice]
    for row, invoice_id in zip(rows, ids, strict=True):
        row["id"] = invoice_id
    session.connection().execute(insert(Invoice), rows)
    return {row["number"]: row["id"] for row in rows}


def insert_lines(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(InvoiceLine), rows)


def bump_installments(session: Session, terminal_ids: list[int]) -> None:
    """One more installment billed on each terminal (guarded so it never passes the plan)."""
    if not terminal_ids:
        return
    session.connection().execute(
        update(SubscriptionTerminal)
        .where(
            SubscriptionTerminal.id == bindparam("terminal_id"),
            SubscriptionTerminal.installments_billed < SubscriptionTerminal.installments,
        )
        .values(installments_billed=SubscriptionTerminal.installments_billed + 1),
        [{"terminal_id": terminal_id} for terminal_id in terminal_ids],
    )


def charge_penalties(session: Session, charged: list[tuple[int, int]]) -> None:
    """Mark penalty lines ``(line id, invoice id)`` as charged."""
    if not charged:
        return
    session.connection().execute(
        update(PenaltyLine)
        .where(PenaltyLine.id == bindparam("line_id"), PenaltyLine.invoice_id.is_(None))
        .values(invoice_id=bindparam("charged_invoice_id")),
        [{"line_id": line, "charged_invoice_id": invoice} for line, invoice in charged],
    )


def invoice_by_number(session: Session, *, org_id: int, number: str) -> Invoice | None:
    return session.scalars(
        select(Invoice).where(Invoice.org_id == org_id, Invoice.number == number)
    ).one_or_none()


def invoice_lines(session: Session, *, invoice_id: int) -> Sequence[InvoiceLine]:
    return session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.id)
    ).all()


def account_number(session: Session, *, account_id: int) -> str | None:
    return session.scalar(select(Account.account_number).where(Account.id == account_id))


def tax_name_at(session: Session, *, account_id: int, instant: datetime) -> str | None:
    """The name of the account's tax (IVA, IGIC, IPSI) in effect at ``instant``."""
    return session.scalar(
        select(AccountTax.description)
        .where(AccountTax.account_id == account_id, AccountTax.start_at <= instant)
        .order_by(AccountTax.start_at.desc(), AccountTax.id.desc())
        .limit(1)
    )
