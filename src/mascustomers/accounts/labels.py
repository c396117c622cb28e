"""Master-data ids as ``{"id": …, "value": …}``, and the org's dates as instants."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from mascustomers.accounts.read_schemas import AccountRef
from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import MasterDataList


def ref(kind: MasterDataList, item_id: int | None) -> AccountRef:
    item = master_data.entry(kind, item_id) if item_id is not None else None
    return AccountRef(id=item_id, value=None if item is None else item.value)


def start_of_day(day: date, tz: str) -> datetime:
    """The instant a calendar date of the org begins (midnight in its time zone), in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz)).astimezone(UTC)
