"""Staff users and their sign-ins: creation, the lock-out rule, sessions.

A session is a row (``staff_session``) found by the SHA-256 of the cookie's random token:
signing out, disabling a user or changing a role takes effect on the next request in every
process, and the cookie carries no data to forge. Times here are wall-clock UTC (a sandbox
org's test clock moves business time, not how long a session lasts).
"""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from mascustomers.console import repository
from mascustomers.console.passwords import check_strength, hash_password
from mascustomers.console.roles import StaffRole
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.models import Org, StaffSession, StaffUser

USERNAME_MAX = 100


@dataclass(frozen=True, slots=True)
class Staff:
    """A signed-in staff user as every console request sees it."""

    user_id: int
    username: str
    role: StaffRole
    org_id: int
    org_slug: str
    org_name: str
    is_sandbox: bool
    csrf_token: str
    session_id: int
    # The org's time zone: the pages' dates and the caller's "today" are the org's.
    timezone: str


@dataclass(frozen=True, slots=True)
class LoginCandidate:
    user_id: int | None
    password_hash: str | None
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class OpenedSession:
    token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_staff(
    session: Session, *, org: Org, username: str, role: StaffRole, password: str, now: datetime
) -> StaffUser:
    """A new staff user of ``org``; the password is stored as an argon2id hash only."""
    username = username.strip()
    if not username or len(username) > USERNAME_MAX or any(c.isspace() for c in username):
        raise ValidationFailed(
            f"username: 1-{USERNAME_MAX} characters without spaces", field="username"
        )
    try:
        check_strength(password)
    except ValueError as error:
        raise ValidationFailed(f"password: {error}", field="password") from error
    if repository.get_staff_user(session, org_id=org.id, username=username) is not None:
        raise ValidationFailed(f"staff user {username!r} already exists in org {org.slug!r}")
    user = StaffUser(
        org_id=org.id,
        username=username,
        role=role.value,
        password_hash=hash_password(password),
        failed_logins=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, org: Org, username: str, password: str) -> StaffUser:
    """A new password (the CLI's ``staff password``); lifts a lock-out, ends every session."""
    try:
        check_strength(password)
    except ValueError as error:
        raise ValidationFailed(f"password: {error}", field="password") from error
    user = unlock_staff(session, org=org, username=username)
    user.password_hash = hash_password(password)
    repository.delete_sessions(session, user_id=user.id)
    session.flush()
    return user


def disable_staff(session: Session, *, org: Org, username: str, now: datetime) -> StaffUser:
    """The user may no longer sign in; every session of theirs ends now."""
    user = repository.get_staff_user(session, org_id=org.id, username=username)
    if user is None:
        raise NotFound(f"staff user {username!r} not found in org {org.slug!r}")
    user.disabled_at = user.disabled_at or now
    repository.delete_sessions(session, user_id=user.id)
    session.flush()
    return user


def list_staff(session: Session, *, org: Org) -> Sequence[StaffUser]:
    return repository.list_staff(session, org_id=org.id)


def unlock_staff(session: Session, *, org: Org, username: str) -> StaffUser:
    """Lift a lock-out before it ends (and forget the failed attempts)."""
    user = repository.get_staff_user(session, org_id=org.id, username=username)
    if user is None:
        raise NotFound(f"staff user {username!r} not found in org {org.slug!r}")
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    return user


def login_candidate(session: Session, *, org_slug: str, username: str) -> LoginCandidate:
    """The stored hash and lock of an active user; an unknown or disabled one has neither."""
    row = repository.login_row(session, org_slug=org_slug.strip(), username=username.strip())
    if row is None or row.disabled_at is not None:
        return LoginCandidate(None, None, None)
    return LoginCandidate(row.id, row.password_hash, row.locked_until)


def is_locked(candidate: LoginCandidate, now: datetime) -> bool:
    return candidate.locked_until is not None and candidate.locked_until > now


def after_failure(
    failed: int, *, now: datetime, max_failures: int, lockout: timedelta
) -> tuple[int, datetime | None]:
    """One more wrong password: the count, and the lock's end once it reaches the limit (the
    count starts again after a lock-out, so each lock-out takes ``max_failures`` more)."""
    failed += 1
    if failed >= max_failures:
        return 0, now + lockout
    return failed, None


def record_failure(
    session: Session, *, user_id: int, now: datetime, max_failures: int, lockout: timedelta
) -> datetime | None:
    """Count a wrong password under the row's lock; the lock's end when this one locks."""
    user = repository.lock_staff_user(session, user_id=user_id)
    if user is None:
        return None
    if user.locked_until is not None and user.locked_until > now:
        return user.locked_until
    user.failed_logins, user.locked_until = after_failure(
        user.failed_logins, now=now, max_failures=max_failures, lockout=lockout
    )
    session.flush()
    return user.locked_until


def sign_in(
    session: Session, *, user_id: int, now: datetime, lifetime: timedelta
) -> OpenedSession | None:
    """The right password: forget failures and open a session (None if locked meanwhile)."""
    user = repository.lock_staff_user(session, user_id=user_id)
    if user is None or (user.locked_until is not None and user.locked_until > now):
        return None
    user.failed_logins = 0
    user.locked_until = None
    repository.delete_expired_sessions(session, user_id=user_id, now=now)
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    repository.add_session(
        session,
        StaffSession(
            staff_user_id=user_id,
            token_hash=token_hash(token),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=expires_at,
        ),
    )
    return OpenedSession(token=token, expires_at=expires_at)


def authenticate(session: Session, *, token: str, now: datetime) -> Staff | None:
    """The staff user behind a session cookie, or None (unknown, expired, user disabled)."""
    row = repository.session_row(session, token_hash=token_hash(token))
    if row is None or row.expires_at <= now or row.disabled_at is not None:
        return None
    return Staff(
        user_id=row.user_id,
        username=row.username,
        role=StaffRole(row.role),
        org_id=row.org_id,
        org_slug=row.org_slug,
        org_name=row.org_name,
        is_sandbox=bool(row.is_sandbox),
        csrf_token=row.csrf_token,
        session_id=row.session_id,
        timezone=row.org_timezone,
    )


def sign_out(session: Session, *, token: str) -> None:
    repository.delete_session(session, token_hash=token_hash(token))
