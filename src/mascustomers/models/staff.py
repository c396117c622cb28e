"""Back-office staff: users of one org who sign in to the console, and their sessions."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, OrgScopedMixin, UtcDateTime


class StaffUser(IdMixin, OrgScopedMixin, Base):
    """A person of the operator; ``username`` is the actor written in every history."""

    __tablename__ = "staff_user"
    __table_args__ = (UniqueConstraint("org_id", "username"),)

    username: Mapped[str] = mapped_column(String(100))
    # agent (read-only), back_office, admin: console.roles maps each to API-key permissions.
    role: Mapped[str] = mapped_column(String(20))
    # argon2id, salted, in its PHC string form (parameters included).
    password_hash: Mapped[str] = mapped_column(String(200))
    # Consecutive wrong passwords; at the limit the user is locked until ``locked_until``.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class StaffSession(IdMixin, Base):
    """A signed-in browser: the cookie carries a random token, only its SHA-256 is stored."""

    __tablename__ = "staff_session"

    staff_user_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The synchronizer token every form of this session carries back.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
