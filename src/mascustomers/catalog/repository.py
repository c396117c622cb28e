"""All SQL reading the org's catalogue tables."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.db.base import Base
from mascustomers.models import (
    CatalogueBonus,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    CatalogueService,
    CatalogueTaxRule,
    OrgCatalogue,
)

T = TypeVar("T", bound=Base)


def _item_key(model: type[Base]) -> str:
    """The catalogue's own id column of an item table (its primary key besides org_id)."""
    return next(str(c.key) for c in model.__mapper__.primary_key if c.key != "org_id")


def get(session: Session, model: type[T], org_id: int, item_id: int) -> T | None:
    """A catalogue item by its (org, catalogue id) primary key."""
    return session.get(model, {"org_id": org_id, _item_key(model): item_id})


def list_items(session: Session, model: type[T], org_id: int) -> Sequence[T]:
    key = getattr(model, _item_key(model))
    return session.scalars(
        select(model).where(model.org_id == org_id).order_by(key)  # type: ignore[attr-defined]
    ).all()


def get_document(session: Session, org_id: int) -> dict[str, Any] | None:
    row = session.get(OrgCatalogue, org_id)
    return None if row is None else row.document


def get_tax_rule(session: Session, org_id: int, state_id: int) -> CatalogueTaxRule | None:
    rule = session.get(CatalogueTaxRule, {"org_id": org_id, "state_id": state_id})
    if rule is None:
        rule = session.get(CatalogueTaxRule, {"org_id": org_id, "state_id": 0})
    return rule


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
]
