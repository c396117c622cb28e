"""All SQL of the back office's own operations: invoices it marks paid."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import Invoice


def _for_update(session: Session, query: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def get_invoice(
    session: Session, *, org_id: int, invoice_id: int, lock: bool = False
) -> Invoice | None:
    query = select(Invoice).where(Invoice.id == invoice_id, Invoice.org_id == org_id)
    if lock:
        query = _for_update(session, query)
    return session.scalars(query).one_or_none()
