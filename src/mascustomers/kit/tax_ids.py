"""Spanish tax ids (NIF): the issuer's and the recipients' on an invoice, checked with stdnum.

A NIF is a personal DNI-style NIF, a NIE (foreigners) or a company CIF: ``stdnum.es.nif``
accepts all three, with their check characters. Invoices and VERI*FACTU records carry the
compact form (9 characters, upper case, no separators).
"""

import re

from stdnum.es import nif
from stdnum.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s.\-/]")


class InvalidTaxId(ValueError):
    """A value that is not a valid Spanish NIF, NIE or CIF."""


def validate_tax_id(value: str) -> str:
    """The NIF in compact form after its check-character test; ``InvalidTaxId`` otherwise."""
    compact = _SEPARATORS.sub("", value).upper()
    if len(compact) != 9:
        raise InvalidTaxId(f"NIF {value!r} must be 9 characters (a DNI, NIE or CIF)")
    try:
        return str(nif.validate(compact))
    except ValidationError as error:
        raise InvalidTaxId(f"NIF {compact} is not a valid NIF, NIE or CIF") from error


def is_valid_tax_id(value: str) -> bool:
    try:
        validate_tax_id(value)
    except InvalidTaxId:
        return False
    return True
