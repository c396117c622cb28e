"""Orgs and API keys: creation, listing, revocation and authentication."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mascustomers.auth import repository
from mascustomers.auth.context import AuthContext
from mascustomers.auth.keys import display_prefix, generate_key, hash_key
from mascustomers.auth.permissions import Permission
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import clock_for
from mascustomers.models import ApiKey, Org


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    secret: str


def create_org(
    session: Session,
    *,
    slug: str,
    name: str,
    is_sandbox: bool = False,
    timezone: str = "Europe/Madrid",
) -> Org:
    """Create an org; its slug is the ``{orgId}`` of every path."""
    if repository.get_org_by_slug(session, slug) is not None:
        raise ValidationFailed(f"org {slug!r} already exists", field="slug")
    org = Org(
        slug=slug,
        name=name,
        is_sandbox=is_sandbox,
        timezone=timezone,
        created_at=clock_for(None).now(),
    )
    session.add(org)
    session.flush()
    return org


def get_org(session: Session, *, slug: str) -> Org:
    org = repository.get_org_by_slug(session, slug)
    if org is None:
        raise NotFound(f"org {slug!r} not found")
    return org


def list_orgs(session: Session) -> Sequence[Org]:
    return repository.list_orgs(session)


def create_key(
    session: Session, *, org: Org, name: str, permissions: frozenset[Permission]
) -> CreatedKey:
    """Create a key; the clear secret is returned once and only its hash is stored."""
    if not permissions:
        raise ValidationFailed("a key needs at least one permission", field="permissions")
    secret = generate_key()
    key = ApiKey(
        org_id=org.id,
        name=name,
        prefix=display_prefix(secret),
        key_hash=hash_key(secret),
        permissions=" ".join(sorted(p.value for p in permissions)),
        created_at=clock_for(None).now(),
    )
    session.add(key)
    session.flush()
    return CreatedKey(key=key, secret=secret)


def list_keys(session: Session, *, org: Org) -> Sequence[ApiKey]:
    return repository.list_keys(session, org.id)


def revoke_key(session: Session, *, org: Org, key_id: int) -> ApiKey:
    key = repository.get_key(session, org.id, key_id)
    if key is None:
        raise NotFound(f"API key {key_id} not found in org {org.slug!r}")
    if key.revoked_at is None:
        key.revoked_at = clock_for(None).now()
        session.flush()
    return key


def authenticate(session: Session, secret: str) -> AuthContext | None:
    """The caller behind ``secret``, or None for an unknown or revoked key."""
    row = repository.find_active_key(session.connection(), hash_key(secret))
    if row is None:
        return None
    key_id, name, permissions, org_id, org_slug, revoked_at, is_sandbox, timezone = row
    if revoked_at is not None:
        return None
    return AuthContext(
        key_id=key_id,
        key_name=name,
        org_id=org_id,
        org_slug=org_slug,
        permissions=frozenset(Permission(p) for p in permissions.split()),
        is_sandbox=is_sandbox,
        timezone=timezone,
    )
