"""Reading one stored invoice back: its PDF document."""

from sqlalchemy.orm import Session

from mascustomers.billing import repository
from mascustomers.billing.document import DocumentLine, InvoiceDocument, render_pdf
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.errors import NotFound
from mascustomers.models import Org


def invoice_pdf(session: Session, *, org: Org, number: str) -> bytes:
    """The PDF of invoice ``number`` of ``org``, rendered from its stored lines."""
    invoice = repository.invoice_by_number(session, org_id=org.id, number=number)
    if invoice is None:
        raise NotFound(f"invoice {number} not found")
    lines = repository.invoice_lines(session, invoice_id=invoice.id)
    try:
        status = InvoiceStatus(invoice.status_id).label
    except ValueError:
        status = str(invoice.status_id)
    document = InvoiceDocument(
        org_name=org.name,
        timezone=org.timezone,
        number=invoice.number,
        account_number=repository.account_number(session, account_id=invoice.account_id) or "",
        cycle_start=invoice.cycle_start,
        cycle_end=invoice.cycle_end,
        issued_at=invoice.issued_at,
        status=status,
        value=invoice.value,
        value_total=invoice.value_total,
        lines=[
            DocumentLine(
                description=line.description,
                start_date=line.start_date,
                end_date=line.end_date,
                net_amount=line.net_amount,
                tax_rate=line.tax_rate,
                tax_amount=line.tax_amount,
            )
            for line in lines
        ],
    )
    tax_name = repository.tax_name_at(
        session, account_id=invoice.account_id, instant=invoice.issued_at
    )
    return render_pdf(document, tax_name=tax_name or "Impuestos")
