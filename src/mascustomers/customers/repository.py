"""All SQL about customers and users: the rows services change, and the reads' typed column
selects (no ORM hydration), each index-backed.

Lookups and the indexes they use:
- user by id: primary key; by email: ``ix_user_email (org_id, email)``; by document:
  ``ix_user_document (org_id, document_type_id, document_value)``;
- live line by number: ``uq_subscription_live_number (org_id, identification_nr)`` partial on
  ``ended_at IS NULL`` (the query repeats the predicate so the planner can use it);
- a customer's accounts: ``ix_account_customer_id``; their lines: ``ix_subscription_account_id``;
- a line's services: ``uq_subscription_service_subscription_id``; bonuses:
  ``ix_subscription_bonus_subscription_id``; catalogue names: primary keys.

Read statements are built once, with bind parameters, and run on the session's connection: on
the request path building and ORM-executing a select costs several times the query itself.
"""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from mascustomers.db.prepared import PreparedSelect, rows_of
from mascustomers.db.repository import OrgRows
from mascustomers.models import (
    Account,
    AccountBundle,
    CatalogueBonus,
    CatalogueProduct,
    CatalogueService,
    Customer,
    Subscription,
    SubscriptionBonus,
    SubscriptionService,
    User,
)

_USERS = OrgRows(User)
_CUSTOMER_ROWS = OrgRows(Customer)

_CUSTOMERS = cast(Table, Customer.__table__)


class _CustomerId(NamedTuple):
    id: int


# Every signup asks, and most find nobody (the ORM statement costs more than the query):
# straight on the cursor. A customer found is then taken from the session by its id.
_CUSTOMER_BY_DOCUMENT = PreparedSelect(
    select(_CUSTOMERS.c.id).where(
        _CUSTOMERS.c.org_id == bindparam("org"),
        _CUSTOMERS.c.document_type_id == bindparam("document_type"),
        _CUSTOMERS.c.document_value == bindparam("document"),
    ),
    _CustomerId,
)


def send_customer_by_document_ahead(
    session: Session, *, org_id: int, document_type_id: int, document_value: str
) -> None:
    """``find_customer_by_document``'s read, sent ahead (``PreparedSelect.send_ahead``)."""
    _CUSTOMER_BY_DOCUMENT.send_ahead(session, **_document(org_id, document_type_id, document_value))


def find_customer_by_document(
    session: Session, *, org_id: int, document_type_id: int, document_value: str
) -> Customer | None:
    found = _CUSTOMER_BY_DOCUMENT.first(
        session, **_document(org_id, document_type_id, document_value)
    )
    return None if found is None else session.get(Customer, found.id)


def _document(org_id: int, document_type_id: int, document_value: str) -> dict[str, Any]:
    return {"org": org_id, "document_type": document_type_id, "document": document_value}


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
    return _USERS.get(session, org_id=org_id, row_id=user_id)


def get_customer(session: Session, *, org_id: int, customer_id: int) -> Customer | None:
    return _CUSTOMER_ROWS.get(session, org_id=org_id, row_id=customer_id)


def customers_by_documents(
    session: Session, *, org_id: int, documents: Collection[tuple[int, str]]
) -> list[Customer]:
    """The org's customers holding one of ``(document type id, value)`` (unique per org)."""
    wanted = set(documents)
    found = session.scalars(
        _CUSTOMER_ROWS.select(org_id).where(
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


# An email or a document is shared by a handful of users at most; never read more than this.
MAX_MATCHES = 50


class UserDocumentRow(NamedTuple):
    id: int
    customer_id: int
    role: str
    document_type_id: int | None
    document_value: str | None
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    gender: str | None
    birthdate: date | None
    company: str | None
    company_created_date: date | None
    email: str | None
    other_phone: str | None
    nationality_id: int | None
    language_id: int | None
    street_name: str | None
    street_number: str | None
    supplement: str | None
    state_id: int | None
    locality: str | None
    postal_code: str | None
    customer_type_id: int | None
    sector_id: int
    special_treatment_id: int | None
    special_treatment_value: str | None
    r_id: int | None
    r_first_name: str | None
    r_middle_name: str | None
    r_last_name: str | None
    r_document_type_id: int | None
    r_document_value: str | None
    r_nationality_id: int | None


class UserMatch(NamedTuple):
    """A user a search found: ``(user_id, customer_id, role)``."""

    user_id: int
    customer_id: int
    role: str


class DocumentMatch(NamedTuple):
    user_id: int
    customer_id: int
    role: str
    document_type_id: int | None
    document_value: str | None


class CustomerHeadRow(NamedTuple):
    id: int
    uuid: str
    login_blocked: bool


class CustomerLineRow(NamedTuple):
    """An account of the customer and one of its lines (all line columns null: no line)."""

    account_id: int
    owner_user_id: int
    account_status_id: int
    subscription_id: int | None
    type_id: int | None
    status_id: int | None
    user_id: int | None
    identification_nr: str | None
    associated_number: str | None
    expedition_user_id: int | None
    mobile_line_type: str | None
    product_id: int | None
    ended_at: datetime | None
    bundle_id: int | None


class ProductNameRow(NamedTuple):
    product_id: int
    name: str


class LineServiceRow(NamedTuple):
    subscription_id: int
    service_id: int
    active: bool
    name: str | None


class ActiveBonusRow(NamedTuple):
    subscription_id: int
    bonus_id: int
    start_at: datetime
    end_at: datetime | None
    name: str | None


_responsible = aliased(User, name="responsible")
_USER_DOCUMENT = PreparedSelect(
    select(
        User.id,
        User.customer_id,
        User.role,
        User.document_type_id,
        User.document_value,
        User.first_name,
        User.middle_name,
        User.last_name,
        User.gender,
        User.birthdate,
        User.company,
        User.company_created_date,
        User.email,
        User.other_phone,
        User.nationality_id,
        User.language_id,
        User.street_name,
        User.street_number,
        User.supplement,
        User.state_id,
        User.locality,
        User.postal_code,
        Customer.type_id.label("customer_type_id"),
        Customer.sector_id,
        Customer.special_treatment_id,
        Customer.special_treatment_value,
        _responsible.id.label("r_id"),
        _responsible.first_name.label("r_first_name"),
        _responsible.middle_name.label("r_middle_name"),
        _responsible.last_name.label("r_last_name"),
        _responsible.document_type_id.label("r_document_type_id"),
        _responsible.document_value.label("r_document_value"),
        _responsible.nationality_id.label("r_nationality_id"),
    )
    .join(Customer, Customer.id == User.customer_id)
    .outerjoin(_responsible, _responsible.id == User.responsible_user_id)
    .where(User.id == bindparam("user_id"), _USERS.prepared),
    UserDocumentRow,
)


def user_document_row(session: Session, *, org_id: int, user_id: int) -> UserDocumentRow | None:
    """The user with its customer and, for a company owner, the responsible person."""
    return _USER_DOCUMENT.first(session, user_id=user_id, org_id=org_id)


_USERS_BY_EMAIL = PreparedSelect(
    select(User.id.label("user_id"), User.customer_id, User.role)
    .where(_USERS.prepared, User.email == bindparam("email"))
    .limit(MAX_MATCHES),
    UserMatch,
)


def users_by_email(session: Session, *, org_id: int, email: str) -> list[UserMatch]:
    """``(user_id, customer_id, role)`` of the org's users with this (lower-cased) email."""
    return _USERS_BY_EMAIL.all(session, org_id=org_id, email=email)


_USERS_BY_DOCUMENT = (
    select(
        User.id.label("user_id"),
        User.customer_id,
        User.role,
        User.document_type_id,
        User.document_value,
    )
    .where(
        _USERS.prepared,
        User.document_type_id.in_(bindparam("types", expanding=True)),
        User.document_value.in_(bindparam("values", expanding=True)),
    )
    .limit(MAX_MATCHES)
)


def users_by_document(
    session: Session, *, org_id: int, documents: Collection[tuple[int, str]]
) -> list[DocumentMatch]:
    """``(user_id, customer_id, role)`` of users holding one of ``(type id, value)``."""
    wanted = set(documents)
    rows = rows_of(
        DocumentMatch,
        session,
        _USERS_BY_DOCUMENT,
        org_id=org_id,
        types=sorted({t for t, _ in wanted}),
        values=sorted({v for _, v in wanted}),
    )
    return [row for row in rows if (row.document_type_id, row.document_value) in wanted]


_LINE_USER_BY_NUMBER = PreparedSelect(
    select(Subscription.user_id, Account.customer_id, User.role)
    .join(Account, Account.id == Subscription.account_id)
    .join(User, User.id == Subscription.user_id)
    .where(
        Subscription.org_id == bindparam("org_id"),
        Subscription.identification_nr == bindparam("number"),
        # Repeated from the partial index so that the planner can use it.
        Subscription.ended_at.is_(None),
    ),
    UserMatch,
)


def line_user_by_number(session: Session, *, org_id: int, number: str) -> UserMatch | None:
    """``(user_id, customer_id, role)`` of the live line with this MSISDN or fixed number."""
    return _LINE_USER_BY_NUMBER.first(session, org_id=org_id, number=number)


_CUSTOMER_HEAD = PreparedSelect(
    select(Customer.id, Customer.uuid, Customer.login_blocked).where(
        Customer.id == bindparam("customer_id"), _CUSTOMER_ROWS.prepared
    ),
    CustomerHeadRow,
)


def customer_head(session: Session, *, org_id: int, customer_id: int) -> CustomerHeadRow | None:
    """``(id, uuid, login_blocked)`` of the org's customer."""
    return _CUSTOMER_HEAD.first(session, customer_id=customer_id, org_id=org_id)


_CUSTOMER_LINES = PreparedSelect(
    select(
        Account.id.label("account_id"),
        Account.owner_user_id,
        Account.status_id.label("account_status_id"),
        Subscription.id.label("subscription_id"),
        Subscription.type_id,
        Subscription.status_id,
        Subscription.user_id,
        Subscription.identification_nr,
        Subscription.associated_number,
        Subscription.expedition_user_id,
        Subscription.mobile_line_type,
        Subscription.product_id,
        Subscription.ended_at,
        AccountBundle.bundle_id,
    )
    .select_from(Account)
    .outerjoin(Subscription, Subscription.account_id == Account.id)
    .outerjoin(AccountBundle, AccountBundle.id == Subscription.account_bundle_id)
    .where(Account.customer_id == bindparam("customer_id"))
    .order_by(Account.id, Subscription.id),
    CustomerLineRow,
)


def customer_lines(session: Session, *, customer_id: int) -> list[CustomerLineRow]:
    """Every account of the customer with its lines (one row per line, or per empty account)."""
    return _CUSTOMER_LINES.all(session, customer_id=customer_id)


_PRODUCT_NAMES = select(CatalogueProduct.product_id, CatalogueProduct.name).where(
    CatalogueProduct.org_id == bindparam("org_id"),
    CatalogueProduct.product_id.in_(bindparam("ids", expanding=True)),
)


def product_names(session: Session, *, org_id: int, product_ids: Collection[int]) -> dict[int, str]:
    rows = rows_of(ProductNameRow, session, _PRODUCT_NAMES, org_id=org_id, ids=sorted(product_ids))
    return {row.product_id: row.name for row in rows}


_LINE_SERVICES = (
    select(
        SubscriptionService.subscription_id,
        SubscriptionService.service_id,
        SubscriptionService.active,
        CatalogueService.name,
    )
    .outerjoin(
        CatalogueService,
        and_(
            CatalogueService.org_id == bindparam("org_id"),
            CatalogueService.service_id == SubscriptionService.service_id,
        ),
    )
    .where(SubscriptionService.subscription_id.in_(bindparam("ids", expanding=True)))
    .order_by(SubscriptionService.subscription_id, SubscriptionService.service_id)
)


def line_services(
    session: Session, *, org_id: int, subscription_ids: Collection[int]
) -> list[LineServiceRow]:
    """``(subscription_id, service_id, active, name)`` of the lines' services."""
    ids = sorted(subscription_ids)
    return rows_of(LineServiceRow, session, _LINE_SERVICES, org_id=org_id, ids=ids)


_ACTIVE_BONUSES = (
    select(
        SubscriptionBonus.subscription_id,
        SubscriptionBonus.bonus_id,
        SubscriptionBonus.start_at,
        SubscriptionBonus.end_at,
        CatalogueBonus.name,
    )
    .outerjoin(
        CatalogueBonus,
        and_(
            CatalogueBonus.org_id == bindparam("org_id"),
            CatalogueBonus.bonus_id == SubscriptionBonus.bonus_id,
        ),
    )
    .where(
        SubscriptionBonus.subscription_id.in_(bindparam("ids", expanding=True)),
        SubscriptionBonus.start_at <= bindparam("now"),
        or_(SubscriptionBonus.end_at.is_(None), SubscriptionBonus.end_at > bindparam("now")),
    )
    .order_by(SubscriptionBonus.subscription_id, SubscriptionBonus.start_at)
)


def active_bonuses(
    session: Session, *, org_id: int, subscription_ids: Collection[int], now: datetime
) -> list[ActiveBonusRow]:
    """``(subscription_id, bonus_id, start_at, end_at, name)`` of bonuses in force at ``now``."""
    ids = sorted(subscription_ids)
    return rows_of(ActiveBonusRow, session, _ACTIVE_BONUSES, org_id=org_id, ids=ids, now=now)
