"""What an authenticated request knows about its caller."""

from dataclasses import dataclass

from mascustomers.auth.permissions import Permission


@dataclass(frozen=True, slots=True)
class AuthContext:
    key_id: int
    key_name: str
    org_id: int
    org_slug: str
    permissions: frozenset[Permission]
    # Only sandbox orgs may run on a test clock; others never need the clock lookup.
    is_sandbox: bool = False
    # The org's time zone: its "today", its day boundaries and the dates it is shown.
    timezone: str = "Europe/Madrid"
