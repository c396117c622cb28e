"""Spanish identity documents (NIF, NIE, CIF) and passports: validation and test values."""

import re
from enum import StrEnum

from stdnum.es import cif, dni, nie
from stdnum.exceptions import ValidationError

PASSPORT_PATTERN = re.compile(r"[A-Z0-9]{5,20}")
# Separators people type inside document numbers; removed before checking.
_SEPARATORS = re.compile(r"[\s.\-/]")
# An old DNI written without its leading zero: 7 digits and the letter.
_SHORT_DNI = re.compile(r"[0-9]{7}[A-Z]")
_NIF_LETTERS_KLM = "KLM"
_NIE_PREFIXES = "XYZ"
# CIF organisation letters whose check character must be a letter (AEAT rules); A, B, E and
# H take a digit; the rest may take either, and a digit is generated for them.
_CIF_LETTER_CHECK = "NPQRSW"
_CIF_ORGANISATION_LETTERS = "ABCDEFGHJNPQRSUVW"


class InvalidDocument(ValueError):
    """A document type or number that is not acceptable."""


class DocumentType(StrEnum):
    """The kinds of identity document a customer can hold."""

    NIF = "NIF"
    NIE = "NIE"
    CIF = "CIF"
    PASAPORTE = "PASAPORTE"


# The reference's users/tree lookup spells them NIF, DNI, TR, PASS, CIF.
_TYPE_ALIASES: dict[str, DocumentType] = {
    "NIF": DocumentType.NIF,
    "DNI": DocumentType.NIF,
    "NIE": DocumentType.NIE,
    "TR": DocumentType.NIE,
    "CIF": DocumentType.CIF,
    "PASAPORTE": DocumentType.PASAPORTE,
    "PASS": DocumentType.PASAPORTE,
    "PASSPORT": DocumentType.PASAPORTE,
}


def parse_document_type(name: str) -> DocumentType:
    """The document type for a name or one of its aliases (DNI, TR, PASS), any case."""
    document_type = _TYPE_ALIASES.get(name.strip().upper())
    if document_type is None:
        raise InvalidDocument(
            f"unknown document type {name!r}; expected one of NIF, NIE, CIF, PASAPORTE"
        )
    return document_type


def validate_document(document_type: str, value: str) -> str:
    """The document number normalised (upper case, no separators), checked for its type."""
    kind = parse_document_type(document_type)
    number = _SEPARATORS.sub("", value).upper()
    if not number:
        raise InvalidDocument(f"{kind} number is empty")
    if kind is DocumentType.NIF:
        return _validate_nif(number)
    if kind is DocumentType.NIE:
        return _validate_nie(number)
    if kind is DocumentType.CIF:
        return _validate_cif(number)
    return _validate_passport(number)


def is_valid_document(document_type: str, value: str) -> bool:
    """Whether ``validate_document`` accepts the value."""
    try:
        validate_document(document_type, value)
    except InvalidDocument:
        return False
    return True


def _validate_nif(number: str) -> str:
    """A personal NIF: a DNI number (8 digits, letter) or a K/L/M NIF (K/L/M, 7 digits, letter)."""
    if _SHORT_DNI.fullmatch(number):
        number = "0" + number
    # A valid number of the neighbouring type is the commonest mistake; say which type it is.
    if nie.is_valid(number):
        raise InvalidDocument(f"{number} is a NIE, not a NIF; send it with document type NIE")
    if cif.is_valid(number):
        raise InvalidDocument(f"{number} is a company CIF, not a NIF; send it as type CIF")
    first = number[0]
    # K, L and M NIFs keep the DNI check-letter algorithm over their 7 digits.
    body = number[1:-1] if first in _NIF_LETTERS_KLM else number[:-1]
    if len(number) != 9 or not _is_ascii_digits(body) or not _is_ascii_letter(number[-1]):
        raise InvalidDocument(
            f"NIF {number!r} must be 8 digits and a letter (or K, L or M, 7 digits and a letter)"
        )
    expected = dni.calc_check_digit(body)
    if number[-1] != expected:
        raise InvalidDocument(f"NIF {number} has a wrong check letter; expected {expected}")
    return number


def _validate_nie(number: str) -> str:
    """A NIE: X, Y or Z, 7 digits and a check letter."""
    body = number[1:-1]
    if number[0] not in _NIE_PREFIXES or len(number) != 9 or not _is_ascii_digits(body):
        raise InvalidDocument(f"NIE {number!r} must be X, Y or Z, 7 digits and a letter")
    expected = nie.calc_check_digit(number[:-1])
    if number[-1] != expected:
        raise InvalidDocument(f"NIE {number} has a wrong check letter; expected {expected}")
    return number


def _validate_cif(number: str) -> str:
    """A CIF: an organisation letter, 7 digits and a check digit or letter."""
    body = number[1:-1]
    if number[0] not in _CIF_ORGANISATION_LETTERS or len(number) != 9 or not _is_ascii_digits(body):
        raise InvalidDocument(
            f"CIF {number!r} must be an organisation letter, 7 digits and a check character"
        )
    try:
        cif.validate(number)
    except ValidationError as error:
        raise InvalidDocument(f"CIF {number} has a wrong check character") from error
    return number


def _validate_passport(number: str) -> str:
    """A passport number: 5 to 20 letters and digits."""
    if not PASSPORT_PATTERN.fullmatch(number):
        raise InvalidDocument(f"passport number {number!r} must be 5 to 20 letters and digits")
    return number


def _is_ascii_digits(text: str) -> bool:
    """Whether text is non-empty and made only of 0-9."""
    # str.isdigit() alone also accepts superscripts and other scripts' digits.
    return text.isascii() and text.isdigit()


def _is_ascii_letter(text: str) -> bool:
    """Whether text is made only of A-Z or a-z."""
    return text.isascii() and text.isalpha()


def make_nif(number: int) -> str:
    """A valid DNI-style NIF for a number from 0 to 99,999,999."""
    if not 0 <= number <= 99_999_999:
        raise ValueError(f"NIF number must be between 0 and 99999999, got {number}")
    body = f"{number:08d}"
    return body + dni.calc_check_digit(body)


def make_nie(number: int, prefix: str = "X") -> str:
    """A valid NIE for a number from 0 to 9,999,999 and a prefix X, Y or Z."""
    if len(prefix) != 1 or prefix not in _NIE_PREFIXES:
        raise ValueError(f"NIE prefix must be X, Y or Z, got {prefix!r}")
    if not 0 <= number <= 9_999_999:
        raise ValueError(f"NIE number must be between 0 and 9999999, got {number}")
    body = f"{prefix}{number:07d}"
    return body + nie.calc_check_digit(body)


def make_cif(number: int, organisation: str = "B") -> str:
    """A valid CIF for a number from 0 to 9,999,999 and an organisation letter."""
    if len(organisation) != 1 or organisation not in _CIF_ORGANISATION_LETTERS:
        raise ValueError(
            f"CIF organisation letter must be one of {_CIF_ORGANISATION_LETTERS}, "
            f"got {organisation!r}"
        )
    if not 0 <= number <= 9_999_999:
        raise ValueError(f"CIF number must be between 0 and 9999999, got {number}")
    body = f"{organisation}{number:07d}"
    # stdnum gives both candidates as one string: the digit, then the letter.
    candidates = cif.calc_check_digits(body)
    return body + (candidates[1] if organisation in _CIF_LETTER_CHECK else candidates[0])
