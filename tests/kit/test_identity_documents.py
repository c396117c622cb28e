from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mascustomers.kit.identity_documents import (
    DocumentType,
    InvalidDocument,
    is_valid_document,
    make_cif,
    make_nie,
    make_nif,
    parse_document_type,
    validate_document,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NIF", DocumentType.NIF),
        ("nif", DocumentType.NIF),
        ("DNI", DocumentType.NIF),
        ("NIE", DocumentType.NIE),
        ("TR", DocumentType.NIE),
        ("CIF", DocumentType.CIF),
        ("PASAPORTE", DocumentType.PASAPORTE),
        ("PASS", DocumentType.PASAPORTE),
        (" Passport ", DocumentType.PASAPORTE),
    ],
)
def test_parse_document_type_and_aliases(name: str, expected: DocumentType) -> None:
    assert parse_document_type(name) is expected


@pytest.mark.parametrize("name", ["", "NUSS", "DNIE"])
def test_unknown_document_type(name: str) -> None:
    with pytest.raises(InvalidDocument, match="unknown document type"):
        parse_document_type(name)
    with pytest.raises(InvalidDocument, match="unknown document type"):
        validate_document(name, "12345678Z")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345678Z", "12345678Z"),
        ("12345678z", "12345678Z"),
        (" 12.345.678-Z ", "12345678Z"),
        ("00000000T", "00000000T"),
        # An old DNI written without its leading zero.
        ("1234567L", "01234567L"),
        ("K1234567L", "K1234567L"),
        ("M0000000T", "M0000000T"),
    ],
)
def test_valid_nifs(value: str, expected: str) -> None:
    assert validate_document("NIF", value) == expected
    assert validate_document("DNI", value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345678A", "wrong check letter; expected Z"),
        ("K1234567A", "wrong check letter; expected L"),
        ("123456789", "must be 8 digits and a letter"),
        ("1234567890Z", "must be 8 digits and a letter"),
        ("ABC", "must be 8 digits and a letter"),
        ("1234A678Z", "must be 8 digits and a letter"),
        ("X1234567L", "is a NIE, not a NIF"),
        ("A58818501", "is a company CIF, not a NIF"),
        ("", "NIF number is empty"),
        (" - ", "NIF number is empty"),
    ],
)
def test_invalid_nifs(value: str, message: str) -> None:
    with pytest.raises(InvalidDocument, match=message):
        validate_document("NIF", value)
    assert not is_valid_document("NIF", value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("X1234567L", "X1234567L"), ("y-0000001-s", "Y0000001S"), ("Z 0000000 M", "Z0000000M")],
)
def test_valid_nies(value: str, expected: str) -> None:
    assert validate_document("NIE", value) == expected
    assert validate_document("TR", value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("X1234567A", "wrong check letter; expected L"),
        ("12345678Z", "must be X, Y or Z"),
        ("W1234567L", "must be X, Y or Z"),
        ("X123456L", "must be X, Y or Z"),
    ],
)
def test_invalid_nies(value: str, message: str) -> None:
    with pytest.raises(InvalidDocument, match=message):
        validate_document("NIE", value)


@pytest.mark.parametrize(
    "value", ["A58818501", "a-58818501", "P1234567D", "Q2826000H", "B00000000"]
)
def test_valid_cifs(value: str) -> None:
    assert validate_document("CIF", value) == value.replace("-", "").upper()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("A58818502", "wrong check character"),
        ("12345678Z", "organisation letter"),
        ("K1234567L", "organisation letter"),
        ("A5881850", "organisation letter"),
    ],
)
def test_invalid_cifs(value: str, message: str) -> None:
    with pytest.raises(InvalidDocument, match=message):
        validate_document("CIF", value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("AB123456", "AB123456"), ("pa 12345", "PA12345"), ("12345", "12345"), ("A" * 20, "A" * 20)],
)
def test_valid_passports(value: str, expected: str) -> None:
    assert validate_document("PASAPORTE", value) == expected
    assert validate_document("PASS", value) == expected


@pytest.mark.parametrize("value", ["AB12", "A" * 21, "AB_12345", "ÁB12345"])
def test_invalid_passports(value: str) -> None:
    with pytest.raises(InvalidDocument, match="5 to 20 letters and digits"):
        validate_document("PASAPORTE", value)


def test_make_helpers_known_values() -> None:
    assert make_nif(12345678) == "12345678Z"
    assert make_nif(0) == "00000000T"
    assert make_nie(1234567) == "X1234567L"
    assert make_cif(5881850, "A") == "A58818501"
    # P, Q, R, S, N and W organisations carry a letter as check character.
    assert make_cif(1234567, "P") == "P1234567D"


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_nif(-1),
        lambda: make_nif(100_000_000),
        lambda: make_nie(10_000_000),
        lambda: make_nie(1, "W"),
        lambda: make_nie(1, "XY"),
        lambda: make_cif(1, "K"),
        lambda: make_cif(10_000_000),
    ],
)
def test_make_helpers_refuse_out_of_range(call: Callable[[], str]) -> None:
    with pytest.raises(ValueError, match="must be"):
        call()


@given(number=st.integers(min_value=0, max_value=99_999_999))
def test_generated_nifs_validate(number: int) -> None:
    nif = make_nif(number)
    assert validate_document("NIF", nif) == nif


@given(number=st.integers(min_value=0, max_value=9_999_999), prefix=st.sampled_from("XYZ"))
def test_generated_nies_validate(number: int, prefix: str) -> None:
    nie = make_nie(number, prefix)
    assert validate_document("NIE", nie) == nie
    assert not is_valid_document("NIF", nie)


@given(
    number=st.integers(min_value=0, max_value=9_999_999),
    organisation=st.sampled_from("ABCDEFGHJNPQRSUVW"),
)
def test_generated_cifs_validate(number: int, organisation: str) -> None:
    cif = make_cif(number, organisation)
    assert validate_document("CIF", cif) == cif
    assert not is_valid_document("NIF", cif)


def test_invalid_document_is_a_value_error() -> None:
    assert issubclass(InvalidDocument, ValueError)
