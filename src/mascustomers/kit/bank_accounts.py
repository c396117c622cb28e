"""Payment instruments: IBANs (with the Spanish CCC parts) and card display values."""

import re
from datetime import date
from typing import NamedTuple

from stdnum import iban
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

# Separators people type inside card numbers; removed before masking.
_CARD_SEPARATORS = re.compile(r"[\s\-]")
_CARD_DIGITS = re.compile(r"[0-9]{12,19}")
_CARD_EXPIRY = re.compile(r"(0[1-9]|1[0-2])([0-9]{2})")
_SPANISH_IBAN = re.compile(r"ES[0-9]{22}")
CARD_KEPT_PREFIX = 6
CARD_KEPT_SUFFIX = 4


class InvalidBankAccount(ValueError):
    """An IBAN that is malformed or fails its checks."""


class InvalidCard(ValueError):
    """A card number or expiry that is malformed."""


class SpanishBankAccount(NamedTuple):
    """The CCC parts of a Spanish IBAN, named as in the reference's ``bank_account``."""

    entity: str
    subsidiary: str
    control_digit: str
    number: str
    iban: str


def validate_iban(value: str) -> str:
    """The IBAN in compact form (no spaces, upper case) after its checksum and country checks."""
    try:
        return str(iban.validate(value))
    except InvalidChecksum as error:
        raise InvalidBankAccount(f"IBAN {value!r} has wrong check digits") from error
    except InvalidLength as error:
        raise InvalidBankAccount(f"IBAN {value!r} has the wrong length for its country") from error
    except ValidationError as error:
        raise InvalidBankAccount(
            f"IBAN {value!r} is not valid (unknown country or malformed account)"
        ) from error


def is_valid_iban(value: str) -> bool:
    """Whether ``validate_iban`` accepts the value."""
    try:
        validate_iban(value)
    except InvalidBankAccount:
        return False
    return True


def split_spanish_iban(value: str) -> SpanishBankAccount:
    """A Spanish IBAN's entity, office, control digits and account number."""
    compact = validate_iban(value)
    if not _SPANISH_IBAN.fullmatch(compact):
        raise InvalidBankAccount(f"IBAN {compact} is not a Spanish (ES) IBAN")
    # ES IBAN layout: ESkk EEEE OOOO DD NNNNNNNNNN (the CCC after the IBAN check digits).
    return SpanishBankAccount(
        entity=compact[4:8],
        subsidiary=compact[8:12],
        control_digit=compact[12:14],
        number=compact[14:24],
        iban=compact,
    )


def mask_card_number(card: str) -> str:
    """A card number with all but its first 6 and last 4 digits as ``*``."""
    digits = _CARD_SEPARATORS.sub("", card)
    if not _CARD_DIGITS.fullmatch(digits):
        raise InvalidCard("card number must be 12 to 19 digits")
    hidden = len(digits) - CARD_KEPT_PREFIX - CARD_KEPT_SUFFIX
    return digits[:CARD_KEPT_PREFIX] + "*" * hidden + digits[-CARD_KEPT_SUFFIX:]


def card_expiry_month(value: str) -> date:
    """The first day of the month a ``MMYY`` card expiry names."""
    match = _CARD_EXPIRY.fullmatch(value)
    if match is None:
        raise InvalidCard(f"card expiry {value!r} must be MMYY with month 01-12")
    return date(2000 + int(match.group(2)), int(match.group(1)), 1)


def is_valid_card_expiry(value: str, *, on: date | None = None) -> bool:
    """Whether a ``MMYY`` expiry is well formed and, if ``on`` is given, not past on that day."""
    try:
        month = card_expiry_month(value)
    except InvalidCard:
        return False
    if on is None:
        return True
    # A card stays valid through the last day of its expiry month.
    return (on.year, on.month) <= (month.year, month.month)
