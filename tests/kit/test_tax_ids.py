"""NIFs checked with python-stdnum: DNI, NIE and CIF, with their check characters."""

import pytest

from mascustomers.kit.identity_documents import make_cif, make_nie, make_nif
from mascustomers.kit.tax_ids import InvalidTaxId, is_valid_tax_id, validate_tax_id


@pytest.mark.parametrize("value", [make_nif(12345678), make_nie(1234567), make_cif(1234567)])
def test_valid_nifs(value: str) -> None:
    assert validate_tax_id(value) == value


def test_separators_and_case_are_normalised() -> None:
    assert validate_tax_id("b-1234567 4") == "B12345674"


@pytest.mark.parametrize("value", ["B12345670", "12345678A", "X1234567A", "B1234567", ""])
def test_invalid_nifs(value: str) -> None:
    assert not is_valid_tax_id(value)
    with pytest.raises(InvalidTaxId):
        validate_tax_id(value)
