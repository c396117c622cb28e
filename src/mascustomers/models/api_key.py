"""API keys: stored as SHA-256 hashes, bound to one org, carrying a set of permissions."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, UtcDateTime


class ApiKey(IdMixin, Base):
    __tablename__ = "api_key"

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the key, shown in listings so a key can be recognised.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Space-separated permission names; a small fixed vocabulary, read on every request.
    permissions: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
