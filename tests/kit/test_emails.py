import pytest

from mascustomers.kit.emails import (
    MAX_EMAIL_LENGTH,
    InvalidEmail,
    emails_equal,
    validate_email_address,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("john.doe@example.com", "john.doe@example.com"),
        ("John.Doe@Example.COM", "john.doe@example.com"),
        ("  ana@masmovil.es ", "ana@masmovil.es"),
        ("first+tag@sub.example.es", "first+tag@sub.example.es"),
        ("jose@MAÑANA.es", "jose@mañana.es"),
    ],
)
def test_valid_addresses_are_normalised(value: str, expected: str) -> None:
    assert validate_email_address(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plainaddress",
        "@example.com",
        "john@",
        "john@@example.com",
        "john doe@example.com",
        "john@localhost",
        "john..doe@example.com",
        "john@example..com",
    ],
)
def test_invalid_syntax(value: str) -> None:
    with pytest.raises(InvalidEmail, match="is not valid"):
        validate_email_address(value)


def test_length_limit_is_82() -> None:
    domain = "@example.com"
    longest = "a" * (MAX_EMAIL_LENGTH - len(domain)) + domain
    assert MAX_EMAIL_LENGTH == 82
    assert validate_email_address(longest) == longest
    with pytest.raises(InvalidEmail, match="83 characters long; at most 82"):
        validate_email_address("a" + longest)


def test_no_dns_lookup_for_unknown_domains() -> None:
    # A domain that cannot exist in DNS is still accepted: syntax only.
    assert validate_email_address("x@no-such-domain.invalid-tld-zz") == (
        "x@no-such-domain.invalid-tld-zz"
    )


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("John.Doe@Example.com", "john.doe@example.COM", True),
        (" a@b.es", "A@B.ES ", True),
        ("a@b.es", "b@b.es", False),
        ("not-an-email", "NOT-AN-EMAIL", True),
        ("not-an-email", "a@b.es", False),
    ],
)
def test_emails_equal(first: str, second: str, expected: bool) -> None:
    assert emails_equal(first, second) is expected


def test_invalid_email_is_a_value_error() -> None:
    assert issubclass(InvalidEmail, ValueError)
