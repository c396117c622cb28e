from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mascustomers.kit.bank_accounts import (
    InvalidBankAccount,
    InvalidCard,
    SpanishBankAccount,
    card_expiry_month,
    is_valid_card_expiry,
    is_valid_iban,
    mask_card_number,
    split_spanish_iban,
    validate_iban,
)

SPANISH_IBAN = "ES9121000418450200051332"
GERMAN_IBAN = "DE89370400440532013000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (SPANISH_IBAN, SPANISH_IBAN),
        ("ES91 2100 0418 4502 0005 1332", SPANISH_IBAN),
        ("es91-2100-0418-4502-0005-1332", SPANISH_IBAN),
        (GERMAN_IBAN, GERMAN_IBAN),
    ],
)
def test_validate_iban_returns_compact_form(value: str, expected: str) -> None:
    assert validate_iban(value) == expected
    assert is_valid_iban(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ES9221000418450200051332", "wrong check digits"),
        ("ES912100041845020005133", "not valid|wrong"),
        ("XX9121000418450200051332", "not valid|wrong"),
        ("", "not valid|wrong"),
        ("not an iban", "not valid|wrong"),
    ],
)
def test_invalid_ibans(value: str, message: str) -> None:
    with pytest.raises(InvalidBankAccount, match=message):
        validate_iban(value)
    assert not is_valid_iban(value)


def test_spanish_iban_with_wrong_ccc_control_digits() -> None:
    # IBAN checksum recomputed so only the inner CCC control digits (45 → 46) are wrong.
    with pytest.raises(InvalidBankAccount, match="wrong check digits"):
        validate_iban("ES2921000418460200051332")


def test_split_spanish_iban() -> None:
    assert split_spanish_iban("ES91 2100 0418 4502 0005 1332") == SpanishBankAccount(
        entity="2100",
        subsidiary="0418",
        control_digit="45",
        number="0200051332",
        iban=SPANISH_IBAN,
    )


def test_split_refuses_foreign_ibans() -> None:
    with pytest.raises(InvalidBankAccount, match="not a Spanish"):
        split_spanish_iban(GERMAN_IBAN)


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("4111111111111111", "411111******1111"),
        ("4111 1111 1111 1111", "411111******1111"),
        ("0000-0000-0000-0000", "000000******0000"),
        ("378282246310005", "378282*****0005"),
        ("123456789012", "123456**9012"),
        ("6011000990139424123", "601100*********4123"),
    ],
)
def test_mask_card_number(card: str, expected: str) -> None:
    assert mask_card_number(card) == expected


@pytest.mark.parametrize("card", ["", "12345678901", "12345678901234567890", "4111x11111111111"])
def test_mask_refuses_non_card_numbers(card: str) -> None:
    with pytest.raises(InvalidCard, match="12 to 19 digits"):
        mask_card_number(card)


def test_mask_error_does_not_echo_the_card() -> None:
    with pytest.raises(InvalidCard) as raised:
        mask_card_number("4111x11111111111")
    assert "4111" not in str(raised.value)


@given(digits=st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_masking_keeps_length_and_ends(digits: str) -> None:
    masked = mask_card_number(digits)
    assert len(masked) == len(digits)
    assert masked[:6] == digits[:6]
    assert masked[-4:] == digits[-4:]
    assert set(masked[6:-4]) == {"*"}


@pytest.mark.parametrize("value", ["0121", "1299", "0100", "1225"])
def test_well_formed_expiries(value: str) -> None:
    assert is_valid_card_expiry(value)


@pytest.mark.parametrize("value", ["", "1321", "0021", "121", "01/21", "012021", "ab21"])
def test_malformed_expiries(value: str) -> None:
    assert not is_valid_card_expiry(value)
    with pytest.raises(InvalidCard, match="MMYY"):
        card_expiry_month(value)


def test_card_expiry_month() -> None:
    assert card_expiry_month("0121") == date(2021, 1, 1)


@pytest.mark.parametrize(
    ("value", "on", "expected"),
    [
        ("0125", date(2025, 1, 31), True),
        ("0125", date(2025, 2, 1), False),
        ("1224", date(2025, 1, 1), False),
        ("0130", date(2025, 6, 1), True),
    ],
)
def test_expiry_checked_against_a_day(value: str, on: date, expected: bool) -> None:
    assert is_valid_card_expiry(value, on=on) is expected


def test_errors_are_value_errors() -> None:
    assert issubclass(InvalidBankAccount, ValueError)
    assert issubclass(InvalidCard, ValueError)
