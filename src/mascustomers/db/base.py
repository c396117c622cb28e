"""Declarative base with a constraint naming convention shared by models and migrations."""

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, ForeignKey, Integer, MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY, PostgreSQL ids are int64 as in the reference.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are always stored and read back as aware UTC datetimes (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def __repr__(self) -> str:
        return "UtcDateTime()"

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class IdMixin:
    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)


class OrgScopedMixin:
    """Every business row belongs to one org; queries always filter on it."""

    org_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("org.id"), index=True)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# Money columns: exact decimals with cents; never floats.
Money = Numeric(14, 2, asdecimal=True)
# Lists and small documents (catalogue compatibilities, addresses) stored as JSON.
JsonDoc = JSON().with_variant(JSON(none_as_null=True), "postgresql")
