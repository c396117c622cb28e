"""All SQL of the console: staff users and sessions, and the lookups and lists only it needs.

Every list is one index range read a page at a time (``limit`` + 1 rows tell whether there is
a next page; nothing counts the whole range), so a page costs the same at 1,000,000 customers.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mascustomers.db.prepared import rows_of
from mascustomers.models import (
    Account,
    ComputedPenalty,
    Contract,
    Customer,
    Invoice,
    Org,
    PenaltyLine,
    StaffSession,
    StaffUser,
    Subscription,
    User,
    WorkOrder,
)

# --- staff users and sessions ------------------------------------------------------------------


def get_staff_user(session: Session, *, org_id: int, username: str) -> StaffUser | None:
    return session.scalars(
        select(StaffUser).where(StaffUser.org_id == org_id, StaffUser.username == username)
    ).one_or_none()


def lock_staff_user(session: Session, *, user_id: int) -> StaffUser | None:
    """The user row, locked until commit (PostgreSQL; SQLite holds the write lock already)."""
    return session.get(StaffUser, user_id, with_for_update=True, populate_existing=True)


def list_staff(session: Session, *, org_id: int) -> Sequence[StaffUser]:
    return session.scalars(
        select(StaffUser).where(StaffUser.org_id == org_id).order_by(StaffUser.username)
    ).all()


T = TypeVar("T")


class LoginRow(NamedTuple):
    id: int
    password_hash: str
    locked_until: datetime | None
    disabled_at: datetime | None


class SessionRow(NamedTuple):
    session_id: int
    csrf_token: str
    expires_at: datetime
    user_id: int
    username: str
    role: str
    disabled_at: datetime | None
    org_id: int
    org_slug: str
    org_name: str
    is_sandbox: bool
    org_timezone: str


class PenaltySummaryRow(NamedTuple):
    id: int
    subscription_id: int | None
    reason: str
    status: str
    computed_at: datetime
    total: Decimal


def _one(rows: list[T]) -> T | None:
    return rows[0] if rows else None


def login_row(session: Session, *, org_slug: str, username: str) -> LoginRow | None:
    """What a sign-in needs: the user's id, hash, lock and whether the user is disabled."""
    return _one(
        rows_of(
            LoginRow,
            session,
            select(
                StaffUser.id,
                StaffUser.password_hash,
                StaffUser.locked_until,
                StaffUser.disabled_at,
            )
            .join(Org, Org.id == StaffUser.org_id)
            .where(Org.slug == org_slug, StaffUser.username == username),
        )
    )


def session_row(session: Session, *, token_hash: str) -> SessionRow | None:
    """The signed-in browser's session with its user and org (one unique-index read)."""
    return _one(
        rows_of(
            SessionRow,
            session,
            select(
                StaffSession.id.label("session_id"),
                StaffSession.csrf_token,
                StaffSession.expires_at,
                StaffUser.id.label("user_id"),
                StaffUser.username,
                StaffUser.role,
                StaffUser.disabled_at,
                Org.id.label("org_id"),
                Org.slug.label("org_slug"),
                Org.name.label("org_name"),
                Org.is_sandbox,
                Org.timezone.label("org_timezone"),
            )
            .join(StaffUser, StaffUser.id == StaffSession.staff_user_id)
            .join(Org, Org.id == StaffUser.org_id)
            .where(StaffSession.token_hash == token_hash),
        )
    )


def add_session(session: Session, row: StaffSession) -> None:
    session.add(row)
    session.flush()


def delete_session(session: Session, *, token_hash: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash))


def delete_sessions(session: Session, *, user_id: int) -> None:
    session.execute(delete(StaffSession).where(StaffSession.staff_user_id == user_id))


def delete_expired_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        delete(StaffSession).where(
            StaffSession.staff_user_id == user_id, StaffSession.expires_at <= now
        )
    )


# --- lookups the search needs beyond the users tree's ------------------------------------------


def customer_of_account_number(session: Session, *, org_id: int, number: str) -> int | None:
    """Unique index (org_id, account_number)."""
    return session.scalar(
        select(Account.customer_id).where(
            Account.org_id == org_id, Account.account_number == number
        )
    )


def customer_of_iccid(session: Session, *, org_id: int, iccid: str) -> int | None:
    """The live line on this SIM (partial unique index on (org_id, iccid) of live lines)."""
    return session.scalar(
        select(Account.customer_id)
        .join(Subscription, Subscription.account_id == Account.id)
        .where(
            Subscription.org_id == org_id,
            Subscription.iccid == iccid,
            Subscription.ended_at.is_(None),
        )
    )


# --- per-customer and per-account lists (a page at a time) -------------------------------------


# Each list reads its parent by primary key (and org) and the rows by the parent's foreign-key
# index: with ``org_id`` on the rows themselves SQLite's planner walks the org's index instead.


def users_of_customer(
    session: Session, *, org_id: int, customer_id: int, limit: int, offset: int
) -> Sequence[User]:
    return session.scalars(
        select(User)
        .join(Customer, Customer.id == User.customer_id)
        .where(Customer.id == customer_id, Customer.org_id == org_id)
        .order_by(User.id)
        .limit(limit)
        .offset(offset)
    ).all()


def account_of_line(session: Session, *, org_id: int, subscription_id: int) -> int | None:
    return session.scalar(
        select(Subscription.account_id).where(
            Subscription.id == subscription_id, Subscription.org_id == org_id
        )
    )  # by primary key


def lines_of_account(
    session: Session, *, org_id: int, account_id: int, limit: int, offset: int
) -> Sequence[Subscription]:
    return session.scalars(
        select(Subscription)
        .join(Account, Account.id == Subscription.account_id)
        .where(Account.id == account_id, Account.org_id == org_id)
        .order_by(Subscription.id)
        .limit(limit)
        .offset(offset)
    ).all()


def contracts_of_account(
    session: Session, *, org_id: int, account_id: int, limit: int, offset: int
) -> Sequence[Contract]:
    return session.scalars(
        select(Contract)
        .join(Account, Account.id == Contract.account_id)
        .where(Account.id == account_id, Account.org_id == org_id)
        .order_by(Contract.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def penalties_of_account(
    session: Session, *, org_id: int, account_id: int, limit: int, offset: int
) -> list[PenaltySummaryRow]:
    """Computed penalties, newest first, with their total (one grouped read)."""
    total = (
        select(func.coalesce(func.sum(PenaltyLine.value), 0))
        .where(PenaltyLine.computed_penalty_id == ComputedPenalty.id)
        .scalar_subquery()
    )
    return rows_of(
        PenaltySummaryRow,
        session,
        select(
            ComputedPenalty.id,
            ComputedPenalty.subscription_id,
            ComputedPenalty.reason,
            ComputedPenalty.status,
            ComputedPenalty.computed_at,
            total.label("total"),
        )
        .join(Account, Account.id == ComputedPenalty.account_id)
        .where(Account.id == account_id, Account.org_id == org_id)
        .order_by(ComputedPenalty.id.desc())
        .limit(limit)
        .offset(offset),
    )


# --- org-wide lists: keyset pages over an index ------------------------------------------------


def work_orders_in_status(
    session: Session, *, org_id: int, status_id: int, after_id: int, limit: int
) -> Sequence[WorkOrder]:
    """Index (org_id, status_id, id): the orders in one status, oldest first, after a cursor."""
    return session.scalars(
        select(WorkOrder)
        .where(
            WorkOrder.org_id == org_id,
            WorkOrder.status_id == status_id,
            WorkOrder.id > after_id,
        )
        .order_by(WorkOrder.id)
        .limit(limit)
    ).all()


def invoices_before(
    session: Session, *, org_id: int, before_number: str | None, limit: int
) -> Sequence[Invoice]:
    """Unique index (org_id, number): the newest invoices first, before a cursor."""
    query = select(Invoice).where(Invoice.org_id == org_id)
    if before_number is not None:
        query = query.where(Invoice.number < before_number)
    return session.scalars(query.order_by(Invoice.number.desc()).limit(limit)).all()


def invoice_by_id(session: Session, *, org_id: int, invoice_id: int) -> Invoice | None:
    return session.scalars(
        select(Invoice).where(Invoice.id == invoice_id, Invoice.org_id == org_id)
    ).one_or_none()
