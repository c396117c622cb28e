"""Line identifiers: Spanish mobile and fixed numbers, SIM ICCIDs and device IMEIs."""

import re

from stdnum import imei, luhn
from stdnum.exceptions import ValidationError

# [0-9] rather than \d: in a str pattern \d also matches non-ASCII digits such as "٦".
_MSISDN = re.compile(r"[6789][0-9]{8}")
# Geographic fixed numbers start 8x/9x with x in 1-8; 80x/90x are free-phone and premium-rate
# service numbers, never the number of a fibre line.
_FIXED_NUMBER = re.compile(r"[89][1-8][0-9]{7}")
_DIGITS = re.compile(r"[0-9]+")

ICCID_LENGTHS = (19, 20)
IMEI_LENGTH = 15


class InvalidLineNumber(ValueError):
    """A mobile or fixed line number that is not a valid Spanish number."""


class InvalidIccid(ValueError):
    """A SIM card identifier that is malformed or fails its check digit."""


class InvalidImei(ValueError):
    """A device identifier that is malformed or fails its check digit."""


def is_valid_msisdn(value: str) -> bool:
    """Whether a value is a Spanish MSISDN: nine digits starting 6, 7, 8 or 9."""
    return _MSISDN.fullmatch(value) is not None


def validate_msisdn(value: str) -> str:
    """The MSISDN unchanged, or ``InvalidLineNumber`` naming the problem."""
    if not is_valid_msisdn(value):
        raise InvalidLineNumber(
            f"MSISDN {value!r} must be 9 digits starting with 6, 7, 8 or 9, no prefix or spaces"
        )
    return value


def is_valid_fixed_number(value: str) -> bool:
    """Whether a value is a Spanish geographic fixed number: nine digits starting 8 or 9."""
    return _FIXED_NUMBER.fullmatch(value) is not None


def validate_fixed_number(value: str) -> str:
    """The fixed number unchanged, or ``InvalidLineNumber`` naming the problem."""
    if not is_valid_fixed_number(value):
        raise InvalidLineNumber(
            f"fixed number {value!r} must be 9 digits starting with 8 or 9 followed by 1-8"
        )
    return value


def is_valid_iccid(value: str) -> bool:
    """Whether a value is an ICCID: 19 or 20 digits whose last digit is a valid Luhn check."""
    return (
        _DIGITS.fullmatch(value) is not None
        and len(value) in ICCID_LENGTHS
        and luhn.is_valid(value)
    )


def validate_iccid(value: str) -> str:
    """The ICCID unchanged, or ``InvalidIccid`` naming the problem."""
    if _DIGITS.fullmatch(value) is None or len(value) not in ICCID_LENGTHS:
        raise InvalidIccid(f"ICCID {value!r} must be 19 or 20 digits")
    if not luhn.is_valid(value):
        raise InvalidIccid(f"ICCID {value} has a wrong check digit (Luhn)")
    return value


def iccid_with_check_digit(body: str) -> str:
    """A full ICCID from its first 18 or 19 digits, with the Luhn check digit appended."""
    if _DIGITS.fullmatch(body) is None or len(body) + 1 not in ICCID_LENGTHS:
        raise InvalidIccid(f"ICCID body {body!r} must be 18 or 19 digits")
    return body + luhn.calc_check_digit(body)


def is_valid_imei(value: str) -> bool:
    """Whether a value is a 15-digit IMEI with a valid Luhn check digit (separators allowed)."""
    try:
        validate_imei(value)
    except InvalidImei:
        return False
    return True


def validate_imei(value: str) -> str:
    """The IMEI in compact form (15 digits), or ``InvalidImei`` naming the problem."""
    # stdnum also accepts 14 digits (no check digit) and 16 (IMEISV); a device IMEI here
    # always carries its check digit, so the length is pinned to 15.
    compact = imei.compact(value)
    if _DIGITS.fullmatch(compact) is None or len(compact) != IMEI_LENGTH:
        raise InvalidImei(f"IMEI {value!r} must be 15 digits")
    try:
        imei.validate(compact)
    except ValidationError as error:
        raise InvalidImei(f"IMEI {value} has a wrong check digit (Luhn)") from error
    return compact


def imei_with_check_digit(body: str) -> str:
    """A full IMEI from its first 14 digits, with the Luhn check digit appended."""
    if _DIGITS.fullmatch(body) is None or len(body) != IMEI_LENGTH - 1:
        raise InvalidImei(f"IMEI body {body!r} must be 14 digits")
    return body + luhn.calc_check_digit(body)
