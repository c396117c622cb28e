"""All SQL reading the org's catalogue tables."""

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import Select, Table, bindparam, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from mascustomers.db.base import Base
from mascustomers.db.prepared import PreparedSelect
from mascustomers.models import (
    AccountBundle,
    AppliedPromotion,
    CatalogueBonus,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    CatalogueService,
    CatalogueTaxRule,
    InvoiceIssuer,
    Org,
    OrgCatalogue,
    Subscription,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionService,
    SubscriptionTerminal,
)

T = TypeVar("T", bound=Base)


@cache
def _item_key(model: type[Base]) -> str:
    """The catalogue's own id column of an item table (its primary key besides org_id)."""
    return next(str(c.key) for c in model.__mapper__.primary_key if c.key != "org_id")


def item_key(row: Base) -> int:
    """A catalogue row's own id (``product_id``, ``catalogue_id``, ``state_id`` …)."""
    return int(getattr(row, _item_key(type(row))))


def get(session: Session, model: type[T], org_id: int, item_id: int) -> T | None:
    """A catalogue item by its (org, catalogue id) primary key."""
    return session.get(model, {"org_id": org_id, _item_key(model): item_id})


@cache
def _items_by_id(model: type[T]) -> Select[T]:
    # Built once: building the select cost as much as running it (every signup loads its
    # products).
    key = getattr(model, _item_key(model))
    return select(model).where(
        model.org_id == bindparam("org"),  # type: ignore[attr-defined]
        key.in_(bindparam("ids", expanding=True)),
    )


def load_many(session: Session, model: type[T], org_id: int, ids: Collection[int]) -> Sequence[T]:
    """Catalogue items by id in one query; later ``get`` calls find them in the session."""
    if not ids:
        return []
    return session.scalars(_items_by_id(model), {"org": org_id, "ids": list(ids)}).all()


def list_items(session: Session, model: type[T], org_id: int) -> Sequence[T]:
    key = getattr(model, _item_key(model))
    return session.scalars(
        select(model).where(model.org_id == org_id).order_by(key)  # type: ignore[attr-defined]
    ).all()


class _CatalogueHash(NamedTuple):
    content_hash: str


# Every signup reads it (the risk policy is cached by it): straight on the cursor.
_CATALOGUE_HASH = PreparedSelect(
    select(OrgCatalogue.content_hash).where(OrgCatalogue.org_id == bindparam("org")),
    _CatalogueHash,
)


def get_catalogue_hash(session: Session, org_id: int) -> str | None:
    """The loaded catalogue's content hash (a primary-key read of one short column)."""
    row = _CATALOGUE_HASH.first(session, org=org_id)
    return None if row is None else row.content_hash


def get_document(session: Session, org_id: int) -> dict[str, Any] | None:
    row = session.get(OrgCatalogue, org_id)
    return None if row is None else row.document


class _TaxRule(NamedTuple):
    org_id: int
    state_id: int
    tax_name: str
    tax_rate: Decimal
    terminal_tax_rate: Decimal


_TAX_RULES = cast(Table, CatalogueTaxRule.__table__)
# Compiled once and run straight on the cursor: every signup reads one rule, and the ORM
# statement costs more than the query. Provinces are numbered from 1, so the province's own
# rule sorts first.
_TAX_RULE = PreparedSelect(
    select(_TAX_RULES)
    .where(
        _TAX_RULES.c.org_id == bindparam("org"),
        or_(_TAX_RULES.c.state_id == bindparam("state"), _TAX_RULES.c.state_id == 0),
    )
    .order_by(_TAX_RULES.c.state_id.desc())
    .limit(1),
    _TaxRule,
)


def send_order_reads_ahead(session: Session, org_id: int, state_id: int | None) -> None:
    """The catalogue hash and the province's tax rule, sent ahead (``db.prepared``)."""
    _CATALOGUE_HASH.send_ahead(session, org=org_id)
    if state_id is not None:
        _TAX_RULE.send_ahead(session, org=org_id, state=state_id)


def get_tax_rule(session: Session, org_id: int, state_id: int) -> CatalogueTaxRule | None:
    """The province's rule, else the org's default (``state_id`` 0), in one statement.

    A new object with the row's values (not the session's): rules are only read.
    """
    row = _TAX_RULE.first(session, org=org_id, state=state_id)
    return None if row is None else CatalogueTaxRule(**row._asdict())


def get_catalogue_row(session: Session, org_id: int) -> OrgCatalogue | None:
    return session.get(OrgCatalogue, org_id)


def lock_org_catalogue(session: Session, org_id: int) -> None:
    """Serialise catalogue loads of one org: lock its org row until the transaction ends.

    PostgreSQL only; a SQLite writer already holds the database's write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Org.id).where(Org.id == org_id).with_for_update())


def save_issuer(session: Session, *, org_id: int, values: dict[str, Any], now: datetime) -> None:
    """Write the org's invoice issuer settings (one row per org)."""
    row = session.get(InvoiceIssuer, org_id)
    if row is None:
        session.add(InvoiceIssuer(org_id=org_id, updated_at=now, **values))
        return
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = now


def save_catalogue_row(
    session: Session, *, org_id: int, content_hash: str, document: dict[str, Any], now: datetime
) -> None:
    """Store the loaded document and its hash (one row per org)."""
    row = session.get(OrgCatalogue, org_id)
    if row is None:
        session.add(
            OrgCatalogue(org_id=org_id, content_hash=content_hash, document=document, loaded_at=now)
        )
    else:
        row.content_hash = content_hash
        row.document = document
        row.loaded_at = now


def count_items(session: Session, model: type[Base], org_id: int) -> int:
    column: Any = model.org_id  # type: ignore[attr-defined]
    return int(session.scalar(select(func.count()).select_from(model).where(column == org_id)) or 0)


Ids = Collection[int]
_Query = Callable[[int, Ids], Select[int, int]]


def _counted(column: InstrumentedAttribute[int], ids: Ids) -> Select[int, int]:
    return select(column, func.count()).where(column.in_(list(ids))).group_by(column)


def _on_org_lines(column: InstrumentedAttribute[int], line: InstrumentedAttribute[int]) -> _Query:
    """Rows of a per-line table (no org column) naming an item, on the org's lines."""
    return lambda org_id, ids: (
        _counted(column, ids)
        .join(Subscription, Subscription.id == line)
        .where(Subscription.org_id == org_id)
    )


def _in_org(column: InstrumentedAttribute[int], org: InstrumentedAttribute[int]) -> _Query:
    return lambda org_id, ids: _counted(column, ids).where(org == org_id)


# What may still name a catalogue item, by document section: (what, query of (id, count)).
_REFERENCES: dict[str, tuple[tuple[str, _Query], ...]] = {
    "products": (
        ("subscriptions", _in_org(Subscription.product_id, Subscription.org_id)),
        (
            "tariff history rows",
            _on_org_lines(SubscriptionProduct.product_id, SubscriptionProduct.subscription_id),
        ),
    ),
    "bonuses": (
        (
            "subscription bonuses",
            _on_org_lines(SubscriptionBonus.bonus_id, SubscriptionBonus.subscription_id),
        ),
    ),
    "services": (
        (
            "subscription services",
            _on_org_lines(SubscriptionService.service_id, SubscriptionService.subscription_id),
        ),
    ),
    "promotions": (
        ("applied promotions", _in_org(AppliedPromotion.promotion_id, AppliedPromotion.org_id)),
    ),
    "devices": (
        ("sold terminals", _in_org(SubscriptionTerminal.catalogue_id, SubscriptionTerminal.org_id)),
    ),
    "bundles": (("account bundles", _in_org(AccountBundle.bundle_id, AccountBundle.org_id)),),
}


def references(
    session: Session, *, org_id: int, section: str, ids: Ids
) -> dict[int, dict[str, int]]:
    """For each of ``ids`` the org's data still names: what names it, and how many rows.

    ``section`` is the document section (``products``, ``bonuses`` …). Ended lines count:
    their history still shows the item.
    """
    found: dict[int, dict[str, int]] = {}
    if not ids:
        return found
    for kind, query in _REFERENCES.get(section, ()):
        for item_id, count in session.execute(query(org_id, ids)).all():
            found.setdefault(int(item_id), {})[kind] = int(count)
    return found


__all__ = [
    "CatalogueBonus",
    "CatalogueBundle",
    "CatalogueDevice",
    "CatalogueProduct",
    "CataloguePromotion",
    "CatalogueService",
    "get",
    "get_document",
    "get_tax_rule",
    "list_items",
    "load_many",
]
