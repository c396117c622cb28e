"""Validated Pydantic field types for request bodies, built on the kit validators."""

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
PositiveId = Annotated[int, Field(ge=0, le=2**63 - 1)]
# A reference to another object where the reference's examples send 0 for "none" (e.g.
# ``old_subscription_terminal_id``): 0 reads as absent, everywhere the field appears.
ZeroMeansNoneId = Annotated[PositiveId | None, AfterValidator(_zero_is_none)]
PostalCode = Annotated[str, Field(pattern=r"^\d{5}$")]
ShortText = Annotated[str, Field(max_length=200)]
