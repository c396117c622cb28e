"""Read-side SQL of the hot line reads (detail, products, bonuses): column selects, index-backed.

The line is read by primary key (and org) and joined, in the same statement, to what the read
shows beside it: its account's billing type, its catalogue product, its bundle's catalogue
name, its open tariff period and its first pending product change (correlated subqueries on
``ix_subscription_product_subscription_id`` and ``ix_scheduled_operation_subscription_id``),
or its bonuses (``ix_subscription_bonus_subscription_id``) with their catalogue names. Catalogue
rows are read by their (org, catalogue id) primary keys. Every statement is a
``db.prepared.PreparedSelect`` (built once, run straight on the driver in the session's
transaction): through the ORM, or even ``Connection.execute``, a select costs several times
the indexed read itself. A read takes one statement, two with the catalogue products.
"""

from collections.abc import Collection, Sequence

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from mascustomers.db.prepared import AnyRow, PreparedSelect, run
from mascustomers.models import (
    Account,
    AccountBundle,
    CatalogueBonus,
    CatalogueBundle,
    CatalogueProduct,
    ScheduledOperation,
    Subscription,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionStatusChange,
)
from mascustomers.scheduler.states import OperationStatus

_THIS_LINE = and_(
    Subscription.id == bindparam("subscription_id"), Subscription.org_id == bindparam("org_id")
)

_LINE = PreparedSelect(
    select(
        Subscription.id,
        Subscription.status_id,
        Subscription.type_id,
        Subscription.origin_id,
        Subscription.dealer_id,
        Subscription.shop_id,
        Subscription.contract_path,
        Subscription.contract_filename,
        Subscription.identification_nr,
        Subscription.associated_number,
        Subscription.imsi,
        Subscription.iccid,
        Subscription.sell_at,
        Subscription.activated_at,
        Subscription.ended_at,
    ).where(_THIS_LINE)
)


def line(session: Session, *, org_id: int, subscription_id: int) -> AnyRow | None:
    """The org's line (the detail's columns), or None."""
    return run(session, _LINE, subscription_id=subscription_id, org_id=org_id).first()


_STATUS_HISTORY = PreparedSelect(
    select(
        SubscriptionStatusChange.status_id,
        SubscriptionStatusChange.changed_at,
        SubscriptionStatusChange.modified_by,
    )
    .where(SubscriptionStatusChange.subscription_id == bindparam("subscription_id"))
    .order_by(SubscriptionStatusChange.changed_at, SubscriptionStatusChange.id)
)


def status_history(session: Session, *, subscription_id: int) -> Sequence[AnyRow]:
    """``(status_id, changed_at, modified_by)``, oldest first."""
    return run(session, _STATUS_HISTORY, subscription_id=subscription_id).all()


_LINE_BONUSES = PreparedSelect(
    select(
        Subscription.id,
        SubscriptionBonus.bonus_id,
        SubscriptionBonus.start_at,
        SubscriptionBonus.end_at,
        CatalogueBonus.name,
    )
    .outerjoin(SubscriptionBonus, SubscriptionBonus.subscription_id == Subscription.id)
    .outerjoin(
        CatalogueBonus,
        and_(
            CatalogueBonus.org_id == Subscription.org_id,
            CatalogueBonus.bonus_id == SubscriptionBonus.bonus_id,
        ),
    )
    .where(_THIS_LINE)
    .order_by(SubscriptionBonus.start_at, SubscriptionBonus.id)
)


def line_bonuses(session: Session, *, org_id: int, subscription_id: int) -> Sequence[AnyRow]:
    """``(id, bonus_id, start_at, end_at, name)`` per bonus row, by start; no rows: no line.

    A line without bonuses is one row whose bonus columns are null.
    """
    return run(session, _LINE_BONUSES, subscription_id=subscription_id, org_id=org_id).all()


# The open period's start: the newest, should there ever be two (max() needs no sort).
_current_started_at = (
    select(func.max(SubscriptionProduct.started_at))
    .where(
        SubscriptionProduct.subscription_id == Subscription.id,
        SubscriptionProduct.ended_at.is_(None),
    )
    .correlate(Subscription)
    .scalar_subquery()
)
_first_pending_change = (
    select(ScheduledOperation.id)
    .where(
        ScheduledOperation.subscription_id == Subscription.id,
        ScheduledOperation.kind == bindparam("change_kind"),
        # An expression, not the bare column: SQLite (no statistics) would otherwise walk
        # ix_scheduled_operation_due over every pending operation of every line.
        ScheduledOperation.status.concat("") == OperationStatus.PENDING.value,
    )
    .order_by(ScheduledOperation.due_at, ScheduledOperation.id)
    .limit(1)
    .correlate(Subscription)
    .scalar_subquery()
)

_LINE_PRODUCT = PreparedSelect(
    select(
        Subscription.id,
        Subscription.product_id,
        Subscription.account_bundle_id,
        Account.billing_type_id,
        CatalogueProduct.name.label("product_name"),
        CatalogueProduct.compatible_product_ids,
        _current_started_at.label("started_at"),
        AccountBundle.bundle_id,
        CatalogueBundle.name.label("bundle_name"),
        ScheduledOperation.created_at.label("change_requested_at"),
        ScheduledOperation.due_at.label("change_due_at"),
        ScheduledOperation.payload.label("change_payload"),
    )
    .join(Account, Account.id == Subscription.account_id)
    .outerjoin(
        CatalogueProduct,
        and_(
            CatalogueProduct.org_id == Subscription.org_id,
            CatalogueProduct.product_id == Subscription.product_id,
        ),
    )
    .outerjoin(AccountBundle, AccountBundle.id == Subscription.account_bundle_id)
    .outerjoin(
        CatalogueBundle,
        and_(
            CatalogueBundle.org_id == AccountBundle.org_id,
            CatalogueBundle.bundle_id == AccountBundle.bundle_id,
        ),
    )
    .outerjoin(ScheduledOperation, ScheduledOperation.id == _first_pending_change)
    .where(_THIS_LINE)
)


def line_product(
    session: Session, *, org_id: int, subscription_id: int, change_kind: str
) -> AnyRow | None:
    """The org's line with its tariff, account billing type, bundle and pending change."""
    return run(
        session,
        _LINE_PRODUCT,
        subscription_id=subscription_id,
        org_id=org_id,
        change_kind=change_kind,
    ).first()


# A fixed number of id slots (unused ones repeat an id) rather than an expanding IN-list: the
# statement's SQL then never depends on the call, so it can be prepared. A product lists a
# handful of compatible targets; longer lists are read a slice at a time.
CATALOGUE_SLOTS = 8
_SLOT_NAMES = tuple(f"id_{slot}" for slot in range(CATALOGUE_SLOTS))
_CATALOGUE_PRODUCTS = PreparedSelect(
    select(
        CatalogueProduct.product_id, CatalogueProduct.name, CatalogueProduct.billing_type_ids
    ).where(
        CatalogueProduct.org_id == bindparam("org_id"),
        CatalogueProduct.product_id.in_([bindparam(name) for name in _SLOT_NAMES]),
    )
)


def catalogue_products(
    session: Session, *, org_id: int, product_ids: Collection[int]
) -> dict[int, AnyRow]:
    """``(product_id, name, billing_type_ids)`` of those of ``product_ids`` in the catalogue."""
    wanted = sorted(set(product_ids))
    found: dict[int, AnyRow] = {}
    for start in range(0, len(wanted), CATALOGUE_SLOTS):
        part = wanted[start : start + CATALOGUE_SLOTS]
        padded = part + [part[0]] * (CATALOGUE_SLOTS - len(part))
        slots = dict(zip(_SLOT_NAMES, padded, strict=True))
        for row in run(session, _CATALOGUE_PRODUCTS, org_id=org_id, **slots):
            found[row.product_id] = row
    return found


_PRODUCT_HISTORY = PreparedSelect(
    select(SubscriptionProduct.product_id, SubscriptionProduct.started_at, CatalogueProduct.name)
    .outerjoin(
        CatalogueProduct,
        and_(
            CatalogueProduct.org_id == bindparam("org_id"),
            CatalogueProduct.product_id == SubscriptionProduct.product_id,
        ),
    )
    .where(SubscriptionProduct.subscription_id == bindparam("subscription_id"))
    .order_by(SubscriptionProduct.started_at.desc(), SubscriptionProduct.id.desc())
)


def product_history(session: Session, *, org_id: int, subscription_id: int) -> Sequence[AnyRow]:
    """``(product_id, started_at, name)`` of the line's tariff periods, newest first."""
    return run(session, _PRODUCT_HISTORY, subscription_id=subscription_id, org_id=org_id).all()
