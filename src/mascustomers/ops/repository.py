"""All SQL of the back office's own operations: invoices it marks paid."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.db.repository import for_update
from mascustomers.models import Invoice


def get_invoice(
    session: Session, *, org_id: int, invoice_id: int, lock: bool = False
) -> Invoice | None:
    query = select(Invoice).where(Invoice.id == invoice_id, Invoice.org_id == org_id)
    if lock:
        query = for_update(session, query)
    return session.scalars(query).one_or_none()
