"""Email addresses: syntax check (no DNS) and the case-insensitive form used to compare them."""

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL_LENGTH = 82


class InvalidEmail(ValueError):
    """An email address that is too long or not valid RFC syntax."""


def validate_email_address(value: str) -> str:
    """The address normalised and lower-cased, after length and RFC syntax checks."""
    # Surrounding blanks come from copy-pasted form input and are never part of an address.
    address = value.strip()
    if len(address) > MAX_EMAIL_LENGTH:
        raise InvalidEmail(
            f"email address is {len(address)} characters long; at most {MAX_EMAIL_LENGTH} allowed"
        )
    try:
        # Syntax only: the service must not depend on DNS answers to accept a customer.
        validated = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(f"email address {address!r} is not valid: {error}") from error
    return validated.normalized.lower()


def emails_equal(first: str, second: str) -> bool:
    """Whether two addresses are the same, ignoring case and surrounding blanks."""
    return _comparison_key(first) == _comparison_key(second)


def _comparison_key(value: str) -> str:
    """The normalised form of a valid address, or the lower-cased text of an invalid one."""
    try:
        return validate_email_address(value)
    except InvalidEmail:
        return value.strip().lower()
