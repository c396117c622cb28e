"""What every repository shares: an org's rows (tenant scoping) and row locks.

Every business row belongs to one org (``org_id``, ``db.base.OrgScopedMixin``) and a caller only
ever sees its own org's: another org's row does not exist for it (404, never 403). Repositories
reach a model's rows through ``OrgRows``, so the condition is written here once:

    _LINES = OrgRows(Subscription)
    _LINES.get(session, org_id=org_id, row_id=subscription_id)        # by primary key
    _LINES.select(org_id).where(Subscription.identification_nr == n)   # ORM queries
    select(Subscription.id, …).where(_LINES.prepared, …)               # PreparedSelects

Rows under a scoped row (its histories, its services) are reached through it.
"""

from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import InstrumentedAttribute, Session

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


class _OrgRow(Protocol):
    id: Any
    org_id: Any


M = TypeVar("M", bound=_OrgRow)


def for_update(session: Session, query: S) -> S:
    """``query`` row-locking what it reads on PostgreSQL; SQLite has one writer at a time (the
    write gate), so there it needs no lock."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


class OrgRows(Generic[M]):
    """The rows of ``model`` that belong to one org."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._org: InstrumentedAttribute[int] = model.org_id
        # The condition of a prepared statement: the org is its ``org_id`` parameter.
        self.prepared: ColumnElement[bool] = self._org == bindparam("org_id")

    def of(self, org_id: int) -> ColumnElement[bool]:
        return self._org == org_id

    def select(self, org_id: int) -> Select[M]:
        return select(self.model).where(self.of(org_id))

    def get(self, session: Session, *, org_id: int, row_id: int, lock: bool = False) -> M | None:
        """The org's row with this primary key (row-locked with ``lock``), else None."""
        if lock:
            query = self.select(org_id).where(self.model.id == row_id)
            return session.scalars(for_update(session, query)).one_or_none()
        row = session.get(self.model, row_id)
        return row if row is not None and row.org_id == org_id else None
