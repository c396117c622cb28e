"""All SQL about orgs and API keys."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from mascustomers.models import ApiKey, Org


def get_org_by_slug(session: Session, slug: str) -> Org | None:
    return session.scalars(select(Org).where(Org.slug == slug)).one_or_none()


def list_orgs(session: Session) -> Sequence[Org]:
    return session.scalars(select(Org).order_by(Org.slug)).all()


def list_keys(session: Session, org_id: int) -> Sequence[ApiKey]:
    return session.scalars(select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.id)).all()


def get_key(session: Session, org_id: int, key_id: int) -> ApiKey | None:
    return session.scalars(
        select(ApiKey).where(ApiKey.org_id == org_id, ApiKey.id == key_id)
    ).one_or_none()


def find_active_key(
    conn: Connection, key_hash: str
) -> tuple[int, str, str, int, str, datetime | None, bool, str] | None:
    """The key row joined with its org, read on the request path with Core (no ORM cost)."""
    row = conn.execute(
        select(
            ApiKey.id,
            ApiKey.name,
            ApiKey.permissions,
            Org.id,
            Org.slug,
            ApiKey.revoked_at,
            Org.is_sandbox,
            Org.timezone,
        )
        .join(Org, Org.id == ApiKey.org_id)
        .where(ApiKey.key_hash == key_hash)
    ).one_or_none()
    if row is None:
        return None
    return (row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7])
