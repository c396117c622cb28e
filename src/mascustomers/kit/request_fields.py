"""Validated field types for request bodies, paths and queries, built on the kit validators.

Every integer a request carries is bounded here, so none reaches the database out of range
(a value past int64 overflowed in the driver: 500) and the OpenAPI document states the
bounds. Path and query parameters use ``Id``, ``Offset`` and ``Limit`` (narrowed per route
with ``Query(le=…)`` where a route lists fewer); body fields use ``PositiveId`` or
a narrower range of their own (a province 1-52).
"""

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from mascustomers.kit.bank_accounts import validate_iban
from mascustomers.kit.emails import validate_email_address
from mascustomers.kit.line_numbers import validate_iccid, validate_imei, validate_msisdn
from mascustomers.kit.money import parse_money


def _zero_is_none(value: int | None) -> int | None:
    return None if value == 0 else value


def _money(value: object) -> object:
    # JSON numbers arrive as float; go through their shortest repr so 29.9 stays 29.90.
    if isinstance(value, float):
        return parse_money(repr(value))
    if isinstance(value, int | str | Decimal) and not isinstance(value, bool):
        return parse_money(value)
    return value


Msisdn = Annotated[str, AfterValidator(validate_msisdn)]
Iccid = Annotated[str, AfterValidator(validate_iccid)]
Imei = Annotated[str, AfterValidator(validate_imei)]
Iban = Annotated[str, AfterValidator(validate_iban)]
Email = Annotated[str, Field(max_length=82), AfterValidator(validate_email_address)]
Amount = Annotated[Decimal, BeforeValidator(_money), Field(ge=0, max_digits=12, decimal_places=2)]
PostalCode = Annotated[str, Field(pattern=r"^\d{5}$")]
ShortText = Annotated[str, Field(max_length=200)]

MAX_ID = 2**63 - 1
"""The largest id the database stores (PostgreSQL ``bigint``, SQLite ``INTEGER``)."""
MAX_LIMIT = 1000
"""The most rows one page of a list answers."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row id in a path or query: rows are numbered from 1, so 0 is refused like -1 (400)."""
Offset = Annotated[int, Field(ge=0, le=MAX_ID)]
"""How many rows of a list to skip."""
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
"""How many rows of a list to answer."""
PositiveId = Annotated[int, Field(ge=0, le=MAX_ID)]
"""An id (or other whole number the database may store) in a request body: the reference's
examples send 0 for ids a request leaves unset."""
# A reference to another object where the reference's examples send 0 for "none" (e.g.
# ``old_subscription_terminal_id``): 0 reads as absent, everywhere the field appears.
ZeroMeansNoneId = Annotated[PositiveId | None, AfterValidator(_zero_is_none)]
