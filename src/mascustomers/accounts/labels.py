"""Master-data ids as ``{"id": …, "value": …}``, and the org's dates as instants."""

from mascustomers.accounts.read_schemas import AccountRef
from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import MasterDataList


def ref(kind: MasterDataList, item_id: int | None) -> AccountRef:
    item = master_data.entry(kind, item_id) if item_id is not None else None
    return AccountRef(id=item_id, value=None if item is None else item.value)
