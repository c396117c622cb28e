"""Reading one stored invoice back: its document (the PDF) and the QR code's URL.

Both the API and the CLI render through ``invoice_pdf``: one template. The invoice's frozen
values (parties, type, series, due date, payment) are shown as issued; an invoice issued before
they were kept shows the org's name and what the account says.
"""

from sqlalchemy.orm import Session

from mascustomers.billing import invoice_repository, repository
from mascustomers.billing.document import DocumentLine, InvoiceDocument, Party, render_pdf
from mascustomers.billing.invoice_schemas import IssuedInvoice
from mascustomers.billing.issuing import SIMPLIFIED
from mascustomers.billing.parties import payment_label
from mascustomers.billing.rectifying import RectificationReason
from mascustomers.billing.verifactu import repository as verifactu_repository
from mascustomers.billing.verifactu.qr import verification_url
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.errors import NotFound
from mascustomers.kit.clock import local_date
from mascustomers.models import Invoice, Org


def find(session: Session, *, org: Org, number: str) -> Invoice:
    invoice = repository.invoice_by_number(session, org_id=org.id, number=number)
    if invoice is None:
        raise NotFound(f"invoice {number} not found")
    return invoice


def qr_url(invoice: Invoice, *, org: Org) -> str | None:
    """The AEAT verification URL of an invoice that has its VERI*FACTU record."""
    if invoice.issuer_tax_id is None:
        return None
    return verification_url(
        issuer_tax_id=invoice.issuer_tax_id,
        number=invoice.number,
        issue_date=local_date(invoice.issued_at, org.timezone),
        total=invoice.value_total,
        test=org.is_sandbox,
    )


def _recipient(invoice: Invoice) -> Party | None:
    if invoice.recipient_name is None:
        return None
    if invoice.invoice_type in SIMPLIFIED:  # a simplified invoice does not identify its customer
        return Party(invoice.recipient_name)
    document = f"{invoice.recipient_document_type} {invoice.recipient_document}"
    return Party(invoice.recipient_name, document, invoice.recipient_address)


def _rectification(session: Session, invoice: Invoice, tz: str) -> tuple[str | None, str | None]:
    if invoice.rectified_invoice_id is None:
        return None, None
    original = invoice_repository.invoice_by_id(session, invoice_id=invoice.rectified_invoice_id)
    assert original is not None
    issued = local_date(original.issued_at, tz).strftime("%d/%m/%Y")
    reason = RectificationReason(invoice.rectification_reason or "WRONG_CHARGE").label
    note = f": {invoice.rectification_note}" if invoice.rectification_note else ""
    return f"{original.number} de {issued}", f"{reason} ({invoice.invoice_type}){note}"


def invoice_document(session: Session, *, org: Org, number: str) -> InvoiceDocument:
    invoice = find(session, org=org, number=number)
    lines = repository.invoice_lines(session, invoice_id=invoice.id)
    try:
        status = InvoiceStatus(invoice.status_id).label
    except ValueError:
        status = str(invoice.status_id)
    tax_name = invoice.tax_name or repository.tax_name_at(
        session, account_id=invoice.account_id, instant=invoice.issued_at
    )
    rectifies, rectification = _rectification(session, invoice, org.timezone)
    payment = None
    if invoice.payment_method:
        payment = " ".join(
            part
            for part in (payment_label(invoice.payment_method), invoice.payment_reference)
            if part
        )
    return InvoiceDocument(
        issuer=Party(
            invoice.issuer_name or org.name, invoice.issuer_tax_id, invoice.issuer_address
        ),
        recipient=_recipient(invoice),
        timezone=org.timezone,
        number=invoice.number,
        invoice_type=invoice.invoice_type,
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
        tax_name=tax_name or "Impuestos",
        series=invoice.series,
        due_date=invoice.due_date,
        payment=payment,
        qr_url=qr_url(invoice, org=org),
        rectifies=rectifies,
        rectification=rectification,
    )


def issued(session: Session, *, org: Org, number: str) -> IssuedInvoice:
    """The invoice as issued, with its lines, records and rectifications."""
    invoice = find(session, org=org, number=number)
    rectifies = None
    if invoice.rectified_invoice_id is not None:
        original = invoice_repository.invoice_by_id(
            session, invoice_id=invoice.rectified_invoice_id
        )
        rectifies = original.number if original is not None else None
    return IssuedInvoice.of(
        invoice,
        lines=list(repository.invoice_lines(session, invoice_id=invoice.id)),
        records=list(verifactu_repository.records_of_invoice(session, invoice_id=invoice.id)),
        rectifies=rectifies,
        rectified_by=[
            item.number
            for item in invoice_repository.rectifications(session, invoice_id=invoice.id)
        ],
        qr_url=qr_url(invoice, org=org),
        tz=org.timezone,
    )


def invoice_pdf(session: Session, *, org: Org, number: str) -> bytes:
    """The PDF of invoice ``number`` of ``org``, rendered from the stored invoice."""
    return render_pdf(invoice_document(session, org=org, number=number))
