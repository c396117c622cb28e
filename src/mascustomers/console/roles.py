"""Staff roles as API-key permissions: what each role may change (every role may look).

A console action needs the permission of the API route that calls the same service function
(changing a tariff: ``products``; approving a risk hold: ``operations``), exactly as an API key
would. The read-only agent holds none: it looks everything up and changes nothing.
"""

from enum import StrEnum

from mascustomers.auth.permissions import Permission


class StaffRole(StrEnum):
    AGENT = "agent"
    BACK_OFFICE = "back_office"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def permissions(self) -> frozenset[Permission]:
        """The API-key permissions this role's changes are checked against."""
        return ROLE_PERMISSIONS[self]

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self]


_LABELS = {
    StaffRole.AGENT: "Agent (read-only)",
    StaffRole.BACK_OFFICE: "Back office",
    StaffRole.ADMIN: "Admin",
}

# Back office: every change a channel's key may make. Admin: those and the operator's own
# operations (risk holds, terminations, payments, billing runs, the test clock).
ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.AGENT: frozenset(),
    StaffRole.BACK_OFFICE: frozenset(Permission) - {Permission.OPERATIONS},
    StaffRole.ADMIN: frozenset(Permission),
}


def parse_role(text: str) -> StaffRole:
    """``agent``, ``back_office`` (or ``back-office``) or ``admin``."""
    try:
        return StaffRole(text.strip().lower().replace("-", "_"))
    except ValueError:
        names = ", ".join(role.value for role in StaffRole)
        raise ValueError(f"unknown role {text!r}: one of {names}") from None
