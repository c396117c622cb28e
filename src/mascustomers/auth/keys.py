"""API key material: generation and hashing (keys are never stored in clear)."""

import hashlib
import secrets

KEY_PREFIX = "mck_"


def generate_key() -> str:
    """A new random key; 32 bytes of entropy makes an unsalted hash safe to store."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def display_prefix(key: str) -> str:
    return key[: len(KEY_PREFIX) + 6]
