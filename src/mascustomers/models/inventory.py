"""Numbers and SIM cards the org owns; a unique subscription reference means one live owner."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from mascustomers.db.base import Base, BigIntId, IdMixin, Money, OrgScopedMixin, UtcDateTime


class Msisdn(IdMixin, OrgScopedMixin, Base):
    """A number of the pool. ``status``: AVAILABLE, RESERVED (held by an order), ASSIGNED."""

    __tablename__ = "msisdn"
    __table_args__ = (
        UniqueConstraint("org_id", "msisdn"),
        # Free numbers only, in order: a claim's pick (inventory.repository.NUMBER_IS_FREE).
        Index(
            "ix_msisdn_free",
            "org_id",
            "host_cfg_id",
            "msisdn",
            postgresql_where=text("status = 'AVAILABLE'"),
            sqlite_where=text("status = 'AVAILABLE'"),
        ),
    )

    msisdn: Mapped[str] = mapped_column(String(9))
    host_cfg_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    # Unique: a number is held by at most one subscription at a time.
    subscription_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), unique=True, nullable=True
    )
    status_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SimCard(IdMixin, OrgScopedMixin, Base):
    __tablename__ = "sim_card"
    __table_args__ = (
        UniqueConstraint("org_id", "iccid"),
        # Cards in stock (DISPONIBLE) only, in order (inventory.repository.SIM_IS_FREE).
        Index(
            "ix_sim_card_free",
            "org_id",
            "iccid",
            postgresql_where=text("status_id = 1"),
            sqlite_where=text("status_id = 1"),
        ),
    )

    iccid: Mapped[str] = mapped_column(String(20))
    imsi: Mapped[str] = mapped_column(String(15))
    status_id: Mapped[int] = mapped_column(Integer)
    origin_id: Mapped[int] = mapped_column(Integer)
    fabrication_type_id: Mapped[int] = mapped_column(Integer)
    promotion_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    society_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    initial_balance: Mapped[Decimal] = mapped_column(Money)
    subscription_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("subscription.id"), unique=True, nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_status_at: Mapped[datetime] = mapped_column(UtcDateTime())
