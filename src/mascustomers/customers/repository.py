"""All SQL about customers and users."""

from collections.abc import Collection, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from mascustomers.models import Account, Customer, Subscription, User

_CUSTOMERS = cast(Table, Customer.__table__)
# Built once, on the table: every signup asks, and most find nobody (the ORM statement costs
# more than the query); a customer found is then taken from the session by its id.
_CUSTOMER_BY_DOCUMENT = select(_CUSTOMERS.c.id).where(
    _CUSTOMERS.c.org_id == bindparam("org"),
    _CUSTOMERS.c.document_type_id == bindparam("document_type"),
    _CUSTOMERS.c.document_value == bindparam("document"),
)


def find_customer_by_document(
    session: Session, *, org_id: int, document_type_id: int, document_value: str
) -> Customer | None:
    found = session.execute(
        _CUSTOMER_BY_DOCUMENT,
        {"org": org_id, "document_type": document_type_id, "document": document_value},
    ).scalar_one_or_none()
    return None if found is None else session.get(Customer, found)


def owner_user(session: Session, *, customer_id: int) -> User | None:
    return session.scalars(
        select(User).where(User.customer_id == customer_id, User.role == "owner").limit(1)
    ).first()


def find_user_by_document(
    session: Session, *, customer_id: int, document_type_id: int, document_value: str
) -> User | None:
    return session.scalars(
        select(User).where(
            User.customer_id == customer_id,
            User.document_type_id == document_type_id,
            User.document_value == document_value,
        )
    ).first()


def get_user(session: Session, *, org_id: int, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.org_id == org_id else None


def get_customer(session: Session, *, org_id: int, customer_id: int) -> Customer | None:
    customer = session.get(Customer, customer_id)
    return customer if customer is not None and customer.org_id == org_id else None


def customers_by_documents(
    session: Session, *, org_id: int, documents: Collection[tuple[int, str]]
) -> list[Customer]:
    """The org's customers holding one of ``(document type id, value)`` (unique per org)."""
    wanted = set(documents)
    found = session.scalars(
        select(Customer).where(
            Customer.org_id == org_id,
            Customer.document_type_id.in_(sorted({t for t, _ in wanted})),
            Customer.document_value.in_(sorted({v for _, v in wanted})),
        )
    ).all()
    return [c for c in found if (c.document_type_id, c.document_value) in wanted]


def live_lines_of_type(
    session: Session, *, customer_id: int, type_id: int
) -> Sequence[Subscription]:
    """The customer's live lines (``ended_at`` null) of one subscription type, locked to update."""
    return session.scalars(
        select(Subscription)
        .join(Account, Account.id == Subscription.account_id)
        .where(
            Account.customer_id == customer_id,
            Subscription.type_id == type_id,
            Subscription.ended_at.is_(None),
        )
        .order_by(Subscription.id)
        .with_for_update(of=Subscription)
    ).all()
