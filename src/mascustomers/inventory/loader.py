"""Stock the inventory: ranges of pool numbers and of SIM cards, added in bulk, idempotently.

Ranges are written ``FIRST-LAST`` (inclusive) or a single value.

- **Numbers** (``600000000-600009999``): Spanish mobile numbers (9 digits starting 6 or 7:
  the pool only holds mobile numbers) of one network (``host_cfg``, YOIGO = 1), added
  AVAILABLE.
- **SIM cards**: an ICCID range is given by the ICCIDs' *bodies* (every digit but the Luhn
  check digit) or by *full* ICCIDs. Ends of 18 digits are bodies (19-digit ICCIDs), ends of 20
  digits are full ICCIDs; ends of 19 digits are bodies of 20-digit ICCIDs unless
  ``full_iccids`` says they are full 19-digit ICCIDs. Full ends must pass the Luhn check; the
  range runs over the bodies between them. Each card gets its check digit
  (``kit.line_numbers.iccid_with_check_digit``), the IMSI ``21404`` + the last 10 digits of
  its body, status DISPONIBLE and the given society, initial balance and promotion code.

Rows go in with multi-row INSERTs, 5,000 per statement, after one indexed range read per
chunk to skip what exists; duplicates inserted meanwhile by another writer are ignored by the
database (``ON CONFLICT DO NOTHING``), so running the same command twice adds nothing.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from mascustomers.catalog import master_data
from mascustomers.catalog.errors import InvalidInventoryRange
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.inventory import repository
from mascustomers.inventory.states import NumberStatus, SimOrigin, SimStatus
from mascustomers.kit.line_numbers import InvalidIccid, iccid_with_check_digit, validate_iccid

CHUNK = 5_000
# One command stocks at most this many numbers or cards (a few seconds of inserts).
MAX_RANGE = 1_000_000
IMSI_PREFIX = "21404"  # MCC 214 Spain, MNC 04 Xfera (Yoigo)
_MSISDN_LENGTH = 9
_MOBILE_PREFIXES = ("6", "7")


@dataclass(frozen=True)
class NumberRange:
    first: int
    last: int

    def __len__(self) -> int:
        return self.last - self.first + 1

    def values(self) -> Iterator[str]:
        return (f"{n:09d}" for n in range(self.first, self.last + 1))


@dataclass(frozen=True)
class IccidRange:
    """ICCID bodies ``first``..``last`` (inclusive), each ``body_length`` digits."""

    first: int
    last: int
    body_length: int

    def __len__(self) -> int:
        return self.last - self.first + 1

    def values(self) -> Iterator[str]:
        width = self.body_length
        return (iccid_with_check_digit(f"{n:0{width}d}") for n in range(self.first, self.last + 1))


@dataclass(frozen=True)
class SimBatch:
    """What every card of an ICCID range is stocked with."""

    society_id: str | None = "XFERA"
    initial_balance: Decimal = Decimal("0")
    promotion_code: str | None = None
    origin_id: int = SimOrigin.ALMACEN
    fabrication_type_id: int = 1


@dataclass(frozen=True)
class Added:
    """How many rows a range asked for and how many were new."""

    requested: int = 0
    added: int = 0

    @property
    def existing(self) -> int:
        return self.requested - self.added


def _ends(text: str, what: str) -> tuple[str, str]:
    first, sep, last = text.strip().partition("-")
    first, last = first.strip(), (last.strip() if sep else first.strip())
    if not (first.isascii() and first.isdigit() and last.isascii() and last.isdigit()):
        raise InvalidInventoryRange(f"{what} range {text!r}: write FIRST-LAST with digits only")
    if len(first) != len(last):
        raise InvalidInventoryRange(f"{what} range {text!r}: both ends need the same length")
    return first, last


def _bounded(first: int, last: int, text: str, what: str) -> None:
    if last < first:
        raise InvalidInventoryRange(f"{what} range {text!r}: the last value is below the first")
    if last - first + 1 > MAX_RANGE:
        raise InvalidInventoryRange(f"{what} range {text!r}: at most {MAX_RANGE:,} per command")


def parse_msisdn_range(text: str) -> NumberRange:
    """``600000000-600009999`` → the mobile numbers between, inclusive."""
    first, last = _ends(text, "MSISDN")
    for end in (first, last):
        if len(end) != _MSISDN_LENGTH or not end.startswith(_MOBILE_PREFIXES):
            raise InvalidInventoryRange(
                f"MSISDN range {text!r}: {end} is not a mobile number (9 digits starting 6 or 7)"
            )
    _bounded(int(first), int(last), text, "MSISDN")
    return NumberRange(int(first), int(last))


def parse_iccid_range(text: str, *, full_iccids: bool = False) -> IccidRange:
    """An ICCID range by bodies or full ICCIDs (see the module docstring)."""
    first, last = _ends(text, "ICCID")
    length = len(first)
    full = length == 20 or (length == 19 and full_iccids)
    if length not in (18, 19, 20) or (length == 18 and full_iccids):
        raise InvalidInventoryRange(
            f"ICCID range {text!r}: give 18-19 digit bodies or 19-20 digit ICCIDs"
        )
    if full:
        for end in (first, last):
            try:
                validate_iccid(end)
            except InvalidIccid as error:
                raise InvalidInventoryRange(f"ICCID range {text!r}: {error}") from error
        first, last = first[:-1], last[:-1]
    _bounded(int(first), int(last), text, "ICCID")
    return IccidRange(int(first), int(last), len(first))


def imsi_for(iccid: str) -> str:
    """The IMSI of a card: MCC+MNC ``21404`` and the last 10 digits of the ICCID's body."""
    return IMSI_PREFIX + iccid[:-1][-10:]


def _chunks(values: Iterator[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def add_numbers(
    session: Session, *, org_id: int, numbers: NumberRange, host_cfg_id: int, now: datetime
) -> Added:
    """Put every number of the range in the pool as AVAILABLE, skipping those it holds."""
    added = 0
    for chunk in _chunks(numbers.values()):
        held = repository.numbers_between(session, org_id=org_id, first=chunk[0], last=chunk[-1])
        rows = [
            {
                "org_id": org_id,
                "msisdn": msisdn,
                "host_cfg_id": host_cfg_id,
                "status": NumberStatus.AVAILABLE.value,
                "status_at": now,
            }
            for msisdn in chunk
            if msisdn not in held
        ]
        repository.insert_numbers(session, rows)
        added += len(rows)
    return Added(requested=len(numbers), added=added)


def add_sims(
    session: Session, *, org_id: int, iccids: IccidRange, batch: SimBatch, now: datetime
) -> Added:
    """Stock every card of the range as DISPONIBLE, skipping ICCIDs already in stock."""
    master_data.require(
        MasterDataList.FABRICATION_TYPES, batch.fabrication_type_id, field="fabrication_type_id"
    )
    if batch.initial_balance < 0:
        raise InvalidInventoryRange("initial balance: cannot be negative")
    added = 0
    for chunk in _chunks(iccids.values()):
        held = repository.iccids_between(session, org_id=org_id, first=chunk[0], last=chunk[-1])
        rows = [_sim_row(org_id, iccid, batch, now) for iccid in chunk if iccid not in held]
        repository.insert_sims(session, rows)
        added += len(rows)
    return Added(requested=len(iccids), added=added)


def _sim_row(org_id: int, iccid: str, batch: SimBatch, now: datetime) -> dict[str, object]:
    return {
        "org_id": org_id,
        "iccid": iccid,
        "imsi": imsi_for(iccid),
        "status_id": int(SimStatus.DISPONIBLE),
        "origin_id": int(batch.origin_id),
        "fabrication_type_id": batch.fabrication_type_id,
        "promotion_code": batch.promotion_code,
        "society_id": batch.society_id,
        "initial_balance": batch.initial_balance,
        "created_at": now,
        "last_status_at": now,
    }
