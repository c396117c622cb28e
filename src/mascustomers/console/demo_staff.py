"""The demo org's console users (``mascustomers demo``): one per role, fresh passwords."""

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.console import repository, service
from mascustomers.console.roles import StaffRole
from mascustomers.models import Org

DEMO_STAFF = {
    "admin": StaffRole.ADMIN,
    "backoffice": StaffRole.BACK_OFFICE,
    "agent": StaffRole.AGENT,
}


def demo_staff(session: Session, *, org: Org, now: datetime) -> dict[str, str]:
    """Create the demo users, or give them a new password: ``{username: password}``."""
    passwords = {}
    for username, role in DEMO_STAFF.items():
        password = secrets.token_urlsafe(12)
        if repository.get_staff_user(session, org_id=org.id, username=username) is None:
            service.create_staff(
                session, org=org, username=username, role=role, password=password, now=now
            )
        else:
            service.set_password(session, org=org, username=username, password=password)
        passwords[username] = password
    return passwords
