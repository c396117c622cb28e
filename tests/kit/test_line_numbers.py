import pytest
from hypothesis import given
from hypothesis import strategies as st

from mascustomers.kit.line_numbers import (
    InvalidIccid,
    InvalidImei,
    InvalidLineNumber,
    iccid_with_check_digit,
    imei_with_check_digit,
    is_valid_fixed_number,
    is_valid_iccid,
    is_valid_imei,
    is_valid_msisdn,
    validate_fixed_number,
    validate_iccid,
    validate_imei,
    validate_msisdn,
)

# The ICCID in the reference's simcard examples.
REFERENCE_ICCID = "8934042419120320845"
# The IMEI used as the worked example of the Luhn check (GSMA / Wikipedia).
KNOWN_IMEI = "490154203237518"


def digit_strings(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


@pytest.mark.parametrize("value", ["612345678", "722000111", "800123456", "912345678"])
def test_valid_msisdns(value: str) -> None:
    assert is_valid_msisdn(value)
    assert validate_msisdn(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "512345678",
        "61234567",
        "6123456789",
        "+34612345678",
        "612 345 678",
        "",
        "61234567a",
        "６１２３４５６７８",  # full-width digits
        "٦١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "612345678\n",
    ],
)
def test_invalid_msisdns(value: str) -> None:
    assert not is_valid_msisdn(value)
    with pytest.raises(InvalidLineNumber, match="MSISDN"):
        validate_msisdn(value)


@pytest.mark.parametrize("value", ["912345678", "934567890", "881234567", "987654321"])
def test_valid_fixed_numbers(value: str) -> None:
    assert is_valid_fixed_number(value)
    assert validate_fixed_number(value) == value


@pytest.mark.parametrize(
    "value", ["612345678", "712345678", "900123456", "800123456", "91234567", "9123456789"]
)
def test_invalid_fixed_numbers(value: str) -> None:
    assert not is_valid_fixed_number(value)
    with pytest.raises(InvalidLineNumber, match="fixed number"):
        validate_fixed_number(value)


def test_reference_iccid_is_valid() -> None:
    assert is_valid_iccid(REFERENCE_ICCID)
    assert validate_iccid(REFERENCE_ICCID) == REFERENCE_ICCID


def test_iccid_with_check_digit_matches_reference() -> None:
    assert iccid_with_check_digit(REFERENCE_ICCID[:-1]) == REFERENCE_ICCID


def test_iccid_with_wrong_check_digit() -> None:
    wrong = REFERENCE_ICCID[:-1] + "6"
    assert not is_valid_iccid(wrong)
    with pytest.raises(InvalidIccid, match="check digit"):
        validate_iccid(wrong)


@pytest.mark.parametrize(
    "value", ["", "893404241912032084", "893404241912032084512", "89340424191203208x5"]
)
def test_iccid_with_wrong_shape(value: str) -> None:
    assert not is_valid_iccid(value)
    with pytest.raises(InvalidIccid, match="19 or 20 digits"):
        validate_iccid(value)


@pytest.mark.parametrize("body", ["", "12345", "8934042419120320845x", "89340424191203208450"])
def test_iccid_body_must_be_18_or_19_digits(body: str) -> None:
    with pytest.raises(InvalidIccid, match="18 or 19 digits"):
        iccid_with_check_digit(body)


@given(body=st.one_of(digit_strings(18), digit_strings(19)))
def test_generated_iccids_validate(body: str) -> None:
    iccid = iccid_with_check_digit(body)
    assert iccid.startswith(body)
    assert is_valid_iccid(iccid)


@given(body=digit_strings(18), position=st.integers(0, 18), delta=st.integers(1, 9))
def test_changing_one_iccid_digit_breaks_the_check(body: str, position: int, delta: int) -> None:
    iccid = iccid_with_check_digit(body)
    changed = str((int(iccid[position]) + delta) % 10)
    assert not is_valid_iccid(iccid[:position] + changed + iccid[position + 1 :])


def test_known_imei_is_valid() -> None:
    assert is_valid_imei(KNOWN_IMEI)
    assert validate_imei(KNOWN_IMEI) == KNOWN_IMEI


def test_imei_separators_are_removed() -> None:
    assert validate_imei("49-015420-323751-8") == KNOWN_IMEI
    assert validate_imei("49 015420 323751 8") == KNOWN_IMEI


def test_imei_with_check_digit_matches_known() -> None:
    assert imei_with_check_digit(KNOWN_IMEI[:-1]) == KNOWN_IMEI


def test_imei_with_wrong_check_digit() -> None:
    assert not is_valid_imei("490154203237519")
    with pytest.raises(InvalidImei, match="check digit"):
        validate_imei("490154203237519")


@pytest.mark.parametrize(
    "value",
    [
        "49015420323751",  # 14 digits: no check digit
        "3568680000414120",  # 16 digits: an IMEISV, not an IMEI
        "",
        "49015420323751X",
    ],
)
def test_imei_with_wrong_shape(value: str) -> None:
    assert not is_valid_imei(value)
    with pytest.raises(InvalidImei, match="15 digits"):
        validate_imei(value)


@pytest.mark.parametrize("body", ["", "4901542032375", "490154203237518", "4901542032375x"])
def test_imei_body_must_be_14_digits(body: str) -> None:
    with pytest.raises(InvalidImei, match="14 digits"):
        imei_with_check_digit(body)


@given(body=digit_strings(14))
def test_generated_imeis_validate(body: str) -> None:
    generated = imei_with_check_digit(body)
    assert generated.startswith(body)
    assert is_valid_imei(generated)


def test_errors_are_value_errors() -> None:
    assert issubclass(InvalidLineNumber, ValueError)
    assert issubclass(InvalidIccid, ValueError)
    assert issubclass(InvalidImei, ValueError)
