"""What the catalogue reads share: the stored document, dealers' limits, lookups by id."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from mascustomers.catalog import master_data, repository
from mascustomers.catalog import read_schemas as schemas
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.db.base import Base
from mascustomers.errors import NotFound

T = TypeVar("T", bound=Base)


@dataclass(frozen=True)
class Dealer:
    """What one dealer may sell; ``None`` sets mean no limit."""

    products: frozenset[int] | None = None
    bundles: frozenset[int] | None = None

    def sells_product(self, product_id: int) -> bool:
        return self.products is None or product_id in self.products

    def sells_any_product(self, product_ids: Iterable[int]) -> bool:
        return self.products is None or not self.products.isdisjoint(product_ids)

    def sells_bundle(self, bundle_id: int) -> bool:
        return self.bundles is None or bundle_id in self.bundles


def document(session: Session, org_id: int) -> dict[str, Any]:
    return repository.get_document(session, org_id) or {}


def dealer(document: dict[str, Any], dealer_id: str | None) -> Dealer:
    if dealer_id is None:
        return Dealer()
    for dealer in document.get("dealers") or ():
        if dealer.get("dealer_id") == dealer_id:
            products = frozenset(int(i) for i in dealer.get("products") or ())
            return Dealer(products, frozenset(int(i) for i in dealer.get("bundles") or ()))
    return Dealer()


def by_id(document: dict[str, Any], section: str, key: str = "id") -> dict[int, dict[str, Any]]:
    return {int(entry[key]): entry for entry in document.get(section) or () if key in entry}


def label(kind: MasterDataList, item_id: int) -> schemas.CatalogueLabel:
    entry = master_data.entry(kind, item_id)
    return schemas.CatalogueLabel(id=item_id, value=entry.value if entry else str(item_id))


def one(session: Session, model: type[T], org_id: int, item_id: int, what: str) -> T:
    item = repository.get(session, model, org_id, item_id)
    if item is None:
        raise NotFound(f"{what} {item_id} is not in this org's catalogue")
    return item
