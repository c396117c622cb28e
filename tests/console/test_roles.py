"""Pure rules: roles as API-key permissions, the lock-out count."""

from datetime import UTC, datetime, timedelta

import pytest

from mascustomers.auth.permissions import Permission
from mascustomers.console.roles import StaffRole, parse_role
from mascustomers.console.service import after_failure


def test_roles_map_to_api_key_permissions() -> None:
    assert StaffRole.AGENT.permissions == frozenset()
    assert StaffRole.ADMIN.permissions == frozenset(Permission)
    assert Permission.OPERATIONS not in StaffRole.BACK_OFFICE.permissions
    assert StaffRole.BACK_OFFICE.permissions | {Permission.OPERATIONS} == frozenset(Permission)
    assert StaffRole.BACK_OFFICE.may(Permission.WORKORDERS)
    assert not StaffRole.AGENT.may(Permission.USERS)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("agent", StaffRole.AGENT),
        ("Back-Office", StaffRole.BACK_OFFICE),
        (" admin ", StaffRole.ADMIN),
    ],
)
def test_role_names(text: str, role: StaffRole) -> None:
    assert parse_role(text) is role


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        parse_role("root")


def test_the_limit_th_wrong_password_locks_and_starts_the_count_again() -> None:
    now, lockout = datetime(2026, 12, 4, tzinfo=UTC), timedelta(minutes=15)
    failed, locked = 0, None
    for _ in range(4):
        failed, locked = after_failure(failed, now=now, max_failures=5, lockout=lockout)
        assert locked is None
    assert failed == 4
    assert after_failure(failed, now=now, max_failures=5, lockout=lockout) == (0, now + lockout)
