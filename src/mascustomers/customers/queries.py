"""Read-side SQL of the Users operations: column selects (no ORM hydration), each index-backed.

Lookups and the indexes they use:
- user by id: primary key; by email: ``ix_user_email (org_id, email)``; by document:
  ``ix_user_document (org_id, document_type_id, document_value)``;
- live line by number: ``uq_subscription_live_number (org_id, identification_nr)`` partial on
  ``ended_at IS NULL`` (the query repeats the predicate so the planner can use it);
- a customer's accounts: ``ix_account_customer_id``; their lines: ``ix_subscription_account_id``;
- a line's services: ``uq_subscription_service_subscription_id``; bonuses:
  ``ix_subscription_bonus_subscription_id``; catalogue names: primary keys.

Statements are built once, with bind parameters, and run on the session's connection: on the
request path building and ORM-executing a select costs several times the query itself.
"""

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from mascustomers.db.prepared import AnyRow, PreparedSelect, run
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

# An email or a document is shared by a handful of users at most; never read more than this.
MAX_MATCHES = 50


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
    .where(User.id == bindparam("user_id"), User.org_id == bindparam("org_id"))
)


def user_document_row(session: Session, *, org_id: int, user_id: int) -> AnyRow | None:
    """The user with its customer and, for a company owner, the responsible person."""
    return run(session, _USER_DOCUMENT, user_id=user_id, org_id=org_id).first()


_USERS_BY_EMAIL = PreparedSelect(
    select(User.id.label("user_id"), User.customer_id, User.role)
    .where(User.org_id == bindparam("org_id"), User.email == bindparam("email"))
    .limit(MAX_MATCHES)
)


def users_by_email(session: Session, *, org_id: int, email: str) -> Sequence[AnyRow]:
    """``(user_id, customer_id, role)`` of the org's users with this (lower-cased) email."""
    return run(session, _USERS_BY_EMAIL, org_id=org_id, email=email).all()


_USERS_BY_DOCUMENT = (
    select(
        User.id.label("user_id"),
        User.customer_id,
        User.role,
        User.document_type_id,
        User.document_value,
    )
    .where(
        User.org_id == bindparam("org_id"),
        User.document_type_id.in_(bindparam("types", expanding=True)),
        User.document_value.in_(bindparam("values", expanding=True)),
    )
    .limit(MAX_MATCHES)
)


def users_by_document(
    session: Session, *, org_id: int, documents: Collection[tuple[int, str]]
) -> Sequence[AnyRow]:
    """``(user_id, customer_id, role)`` of users holding one of ``(type id, value)``."""
    wanted = set(documents)
    rows = run(
        session,
        _USERS_BY_DOCUMENT,
        org_id=org_id,
        types=sorted({t for t, _ in wanted}),
        values=sorted({v for _, v in wanted}),
    ).all()
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
    )
)


def line_user_by_number(session: Session, *, org_id: int, number: str) -> AnyRow | None:
    """``(user_id, customer_id, role)`` of the live line with this MSISDN or fixed number."""
    return run(session, _LINE_USER_BY_NUMBER, org_id=org_id, number=number).first()


_CUSTOMER_HEAD = PreparedSelect(
    select(Customer.id, Customer.uuid, Customer.login_blocked).where(
        Customer.id == bindparam("customer_id"), Customer.org_id == bindparam("org_id")
    )
)


def customer_head(session: Session, *, org_id: int, customer_id: int) -> AnyRow | None:
    """``(id, uuid, login_blocked)`` of the org's customer."""
    return run(session, _CUSTOMER_HEAD, customer_id=customer_id, org_id=org_id).first()


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
    .order_by(Account.id, Subscription.id)
)


def customer_lines(session: Session, *, customer_id: int) -> Sequence[AnyRow]:
    """Every account of the customer with its lines (one row per line, or per empty account)."""
    return run(session, _CUSTOMER_LINES, customer_id=customer_id).all()


_PRODUCT_NAMES = select(CatalogueProduct.product_id, CatalogueProduct.name).where(
    CatalogueProduct.org_id == bindparam("org_id"),
    CatalogueProduct.product_id.in_(bindparam("ids", expanding=True)),
)


def product_names(session: Session, *, org_id: int, product_ids: Collection[int]) -> dict[int, str]:
    rows = run(session, _PRODUCT_NAMES, org_id=org_id, ids=sorted(product_ids))
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
) -> Sequence[AnyRow]:
    """``(subscription_id, service_id, active, name)`` of the lines' services."""
    return run(session, _LINE_SERVICES, org_id=org_id, ids=sorted(subscription_ids)).all()


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
) -> Sequence[AnyRow]:
    """``(subscription_id, bonus_id, start_at, end_at, name)`` of bonuses in force at ``now``."""
    return run(session, _ACTIVE_BONUSES, org_id=org_id, ids=sorted(subscription_ids), now=now).all()
