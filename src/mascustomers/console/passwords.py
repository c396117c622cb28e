"""Staff passwords: argon2id (argon2-cffi's defaults, RFC 9106's second recommendation)."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_HASHER = PasswordHasher()


def check_strength(password: str) -> None:
    """A password the CLI accepts: long enough, not only spaces."""
    if len(password.strip()) < MIN_LENGTH:
        raise ValueError(f"a staff password needs at least {MIN_LENGTH} characters")


def hash_password(password: str) -> str:
    """The PHC string to store (salt and parameters included); ~0.25 s of CPU: off the loop."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no stored hash (unknown user) a dummy one is checked,
    so that an unknown name costs the same time as a wrong password."""
    try:
        return _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("no user has this password")
