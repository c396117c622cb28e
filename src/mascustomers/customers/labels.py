"""Master-data ids as the ``{"id": …, "value": …}`` references the read documents show."""

from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.customers.read_schemas import Label, Ref


def label(kind: MasterDataList, item_id: int | None) -> str | None:
    """The value of an id in a master-data list; None for no id or an id the list lacks."""
    if item_id is None:
        return None
    item = master_data.entry(kind, item_id)
    return None if item is None else item.value


def ref(kind: MasterDataList, item_id: int | None) -> Ref:
    return Ref(id=item_id, value=label(kind, item_id))


def value_only(kind: MasterDataList, item_id: int | None) -> Label | None:
    return None if item_id is None else Label(value=label(kind, item_id))


def as_number(text: str | None) -> int | None:
    """A stored phone or line number as the JSON integer the reference shows."""
    return int(text) if text and text.isascii() and text.isdigit() else None
