"""Rectifying invoices (facturas rectificativas) and cancellations; an issued invoice is never
edited.

A rectifying invoice is a new invoice, in the issuer's separate rectifying series, that
credits lines of the invoice it rectifies ("by differences": its lines are the negative
amounts credited, each pointing at the line it credits). Reasons and VERI*FACTU types:

- ``WRONG_CHARGE`` (R1: error fundado en derecho / art. 80 LIVA): chosen lines, each for all
  that is left of it or for an amount;
- ``PENALTY_ANNULLED`` (R1, art. 80.Dos LIVA: the charge is left without effect): the
  invoice's penalty lines (all of them unless chosen);
- ``RETURNED_PAYMENT`` (R4, "resto"): the direct debit came back (invoice DEVUELTO) and the
  operator credits what it will not claim, the whole invoice unless lines are chosen. An
  uncollectable debt under art. 80.Cuatro LIVA (R3) has legal conditions (a year, a claim)
  the system cannot check, so it is not offered.

A simplified invoice (F2) is rectified with R5. A line is never credited for more than it
charged less what earlier rectifications credited; crediting all that is left also credits
all its tax, so the invoices net exactly. When nothing is left to charge, an unpaid original
(PENDIENTE, DEVUELTO) is marked ANULADO (its collection status; its contents stay as issued).

A cancellation (anulación) is for a cycle invoice that should never have been issued: unpaid
(PENDIENTE), never rectified. It becomes ANULADO and gets a cancellation record; penalty lines
it charged may be charged again. The cycle stays billed for that account.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.orm import Session

from mascustomers.billing import invoice_repository, issuing
from mascustomers.billing import issuer as issuer_service
from mascustomers.billing.errors import (
    CreditExceedsInvoiced,
    InvoiceNotCancellable,
    InvoiceNotRectifiable,
)
from mascustomers.billing.parties import Recipient
from mascustomers.billing.repository import reserve_numbers
from mascustomers.billing.verifactu import records
from mascustomers.billing.verifactu.records import (
    CancellationFacts,
    InvoiceRecordFacts,
    tax_breakdown,
)
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.errors import NotFound
from mascustomers.kit.clock import local_date
from mascustomers.kit.money import ZERO, to_cents_decimal
from mascustomers.models import Invoice, InvoiceLine


class RectificationReason(StrEnum):
    WRONG_CHARGE = "WRONG_CHARGE"
    RETURNED_PAYMENT = "RETURNED_PAYMENT"
    PENALTY_ANNULLED = "PENALTY_ANNULLED"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    RectificationReason.WRONG_CHARGE: "cargo indebido",
    RectificationReason.RETURNED_PAYMENT: "recibo devuelto",
    RectificationReason.PENALTY_ANNULLED: "penalización anulada",
}
_TYPES = {
    RectificationReason.WRONG_CHARGE: "R1",
    RectificationReason.PENALTY_ANNULLED: "R1",
    RectificationReason.RETURNED_PAYMENT: "R4",
}
_UNPAID = (InvoiceStatus.PENDIENTE, InvoiceStatus.DEVUELTO)


def rectifying_type(reason: RectificationReason, original_type: str) -> str:
    """R5 for a simplified original, else the reason's type."""
    return "R5" if original_type == "F2" else _TYPES[reason]


@dataclass(frozen=True)
class Credit:
    """A line of the original to credit; ``amount`` (net, positive) or all that is left."""

    line_id: int
    amount: Decimal | None = None


@dataclass(frozen=True)
class Left:
    """What a line still charges after earlier credits."""

    line: InvoiceLine
    net: Decimal
    tax: Decimal


def credit_line(left: Left, amount: Decimal | None) -> tuple[Decimal, Decimal]:
    """The (negative) net and tax of crediting ``amount`` of a line, or all that is left."""
    if amount is None or amount == left.net:
        return -left.net, -left.tax
    if amount <= ZERO:
        raise InvoiceNotRectifiable(f"line {left.line.id}: a credit is a positive amount")
    if amount > left.net:
        raise CreditExceedsInvoiced(
            f"line {left.line.id}: {amount} is more than the {left.net} left to credit",
            line_id=left.line.id,
        )
    tax = min(to_cents_decimal(amount * left.line.tax_rate / 100), left.tax)
    return -amount, -tax


def _original(session: Session, *, org_id: int, number: str) -> Invoice:
    invoice = invoice_repository.invoice_for_update(session, org_id=org_id, number=number)
    if invoice is None:
        raise NotFound(f"invoice {number} not found")
    return invoice


def _left(session: Session, invoice: Invoice) -> dict[int, Left]:
    lines = invoice_repository.lines(session, invoice_id=invoice.id)
    credited = invoice_repository.credited(session, line_ids=[line.id for line in lines])
    return {
        line.id: Left(
            line,
            line.net_amount - credited.get(line.id, (ZERO, ZERO))[0],
            line.tax_amount - credited.get(line.id, (ZERO, ZERO))[1],
        )
        for line in lines
    }


def _chosen(
    reason: RectificationReason, left: dict[int, Left], credits: list[Credit]
) -> list[Credit]:
    """The credits a reason asks for: the given ones (checked), or its default."""
    for credit in credits:
        item = left.get(credit.line_id)
        if item is None:
            raise InvoiceNotRectifiable(f"line {credit.line_id} is not a line of the invoice")
        if reason is RectificationReason.PENALTY_ANNULLED and item.line.kind != "PENALTY":
            raise InvoiceNotRectifiable(f"line {credit.line_id} is not a penalty line")
        if item.net <= ZERO:
            raise CreditExceedsInvoiced(
                f"line {credit.line_id} has nothing left to credit", line_id=credit.line_id
            )
    if credits:
        if len({credit.line_id for credit in credits}) != len(credits):
            raise InvoiceNotRectifiable("a line is named twice")
        return credits
    if reason is RectificationReason.WRONG_CHARGE:
        raise InvoiceNotRectifiable("WRONG_CHARGE names the lines it credits")
    kinds = ("PENALTY",) if reason is RectificationReason.PENALTY_ANNULLED else None
    chosen = [
        Credit(item.line.id)
        for item in left.values()
        if (kinds is None or item.line.kind in kinds) and (item.net, item.tax) != (ZERO, ZERO)
    ]
    if not chosen:
        raise InvoiceNotRectifiable(f"the invoice has nothing left to credit for {reason}")
    return chosen


def _check_original(invoice: Invoice, reason: RectificationReason, issuer_tax_id: str) -> None:
    if invoice.rectified_invoice_id is not None:
        raise InvoiceNotRectifiable(f"{invoice.number} is itself a rectifying invoice")
    if invoice.status_id == InvoiceStatus.ANULADO:
        raise InvoiceNotRectifiable(f"{invoice.number} is cancelled")
    if invoice.issuer_tax_id is None or invoice.recipient_name is None:
        raise InvoiceNotRectifiable(
            f"{invoice.number} was issued before invoices kept their parties"
        )
    if invoice.issuer_tax_id != issuer_tax_id:
        raise InvoiceNotRectifiable(
            f"{invoice.number} was issued under NIF {invoice.issuer_tax_id}, the org's issuer "
            f"is now {issuer_tax_id}"
        )
    if reason is RectificationReason.RETURNED_PAYMENT and invoice.status_id != (
        InvoiceStatus.DEVUELTO
    ):
        raise InvoiceNotRectifiable(f"{invoice.number}: its payment was not returned")


def rectify(
    session: Session,
    *,
    org_id: int,
    timezone: str,
    number: str,
    reason: RectificationReason,
    note: str,
    credits: list[Credit],
    now: datetime,
) -> Invoice:
    """Issue the rectifying invoice of ``number``; flushes only."""
    issuer = issuer_service.require(session, org_id=org_id)
    original = _original(session, org_id=org_id, number=number)
    _check_original(original, reason, issuer.tax_id)
    left = _left(session, original)
    lines = []
    for credit in _chosen(reason, left, credits):
        item = left[credit.line_id]
        net, tax = credit_line(item, credit.amount)
        lines.append(
            InvoiceLine(
                kind=item.line.kind,
                description=f"Abono: {item.line.description}"[:200],
                subscription_id=item.line.subscription_id,
                start_date=item.line.start_date,
                end_date=item.line.end_date,
                net_amount=net,
                tax_rate=item.line.tax_rate,
                tax_amount=tax,
                credited_line_id=item.line.id,
            )
        )
    invoice = _rectifying_invoice(session, original, issuer, reason, note, lines, now, timezone)
    _append_record(session, invoice, original, lines, issuer, reason, note, timezone, now)
    if original.status_id in _UNPAID and all(
        (item.net, item.tax) == (ZERO, ZERO) for item in _left(session, original).values()
    ):
        original.status_id = InvoiceStatus.ANULADO
    session.flush()
    return invoice


def _rectifying_invoice(  # noqa: PLR0917 - one step of rectify, its values passed on
    session: Session,
    original: Invoice,
    issuer: issuer_service.Issuer,
    reason: RectificationReason,
    note: str,
    lines: list[InvoiceLine],
    now: datetime,
    timezone: str,
) -> Invoice:
    value = sum((line.net_amount for line in lines), ZERO)
    first = reserve_numbers(
        session, org_id=issuer.org_id, name=issuer.counter(rectifying=True), count=1
    )
    number = issuer.number(first, rectifying=True)
    today = local_date(now, timezone)
    invoice = Invoice(
        org_id=original.org_id,
        account_id=original.account_id,
        number=number,
        cycle=None,
        cycle_start=original.cycle_start,
        cycle_end=original.cycle_end,
        issued_at=now,
        value=value,
        value_total=value + sum((line.tax_amount for line in lines), ZERO),
        status_id=InvoiceStatus.PENDIENTE,
        paid_at=None,
        delivery_mode=original.delivery_mode,
        path=original.path.rsplit("/", 1)[0] + f"/{number}.pdf",
        series=issuer.rectifying_series,
        invoice_type=rectifying_type(reason, original.invoice_type),
        tax_name=original.tax_name,
        due_date=today + timedelta(days=issuer.payment_days),
        issuer_name=issuer.legal_name,
        issuer_tax_id=issuer.tax_id,
        issuer_address=issuer.address,
        recipient_name=original.recipient_name,
        recipient_document_type=original.recipient_document_type,
        recipient_document=original.recipient_document,
        recipient_address=original.recipient_address,
        payment_method=original.payment_method,
        payment_reference=original.payment_reference,
        rectified_invoice_id=original.id,
        rectification_reason=reason.value,
        rectification_note=note[:500],
    )
    return invoice_repository.insert_invoice(session, invoice, lines)


def _append_record(  # noqa: PLR0917 - one step of rectify, its values passed on
    session: Session,
    invoice: Invoice,
    original: Invoice,
    lines: list[InvoiceLine],
    issuer: issuer_service.Issuer,
    reason: RectificationReason,
    note: str,
    timezone: str,
    now: datetime,
) -> None:
    party = Recipient(
        name=invoice.recipient_name or "",
        document_type=invoice.recipient_document_type or "",
        document=invoice.recipient_document or "",
        address=invoice.recipient_address,
        customer_type_id=0,
    )
    records.append(
        session,
        chain=issuing.chain_of(issuer, timezone),
        entries=[
            InvoiceRecordFacts(
                invoice_id=invoice.id,
                number=invoice.number,
                issue_date=local_date(invoice.issued_at, timezone),
                invoice_type=invoice.invoice_type,
                tax_total=invoice.value_total - invoice.value,
                total=invoice.value_total,
                description=(
                    f"Rectificación de la factura {original.number} ({reason.label}): {note}"
                ),
                breakdown=tax_breakdown(
                    invoice.tax_name or "IVA",
                    ((line.tax_rate, line.net_amount, line.tax_amount) for line in lines),
                ),
                recipient=issuing.recipient_block(party, invoice.invoice_type),
                rectified=((original.number, local_date(original.issued_at, timezone)),),
            )
        ],
        now=now,
    )


def cancel(
    session: Session,
    *,
    org_id: int,
    timezone: str,
    number: str,
    note: str,
    actor: str,
    now: datetime,
) -> Invoice:
    """Cancel an invoice issued by mistake: ANULADO, why and by whom, and a cancellation record;
    flushes only."""
    issuer = issuer_service.require(session, org_id=org_id)
    invoice = _original(session, org_id=org_id, number=number)
    if invoice.issuer_tax_id is None:
        raise InvoiceNotCancellable(f"{number} was issued before invoices had records")
    if invoice.rectified_invoice_id is not None:
        raise InvoiceNotCancellable(f"{number} is a rectifying invoice")
    if invoice.status_id != InvoiceStatus.PENDIENTE:
        raise InvoiceNotCancellable(
            f"{number} is {InvoiceStatus(invoice.status_id).label}: only an unpaid invoice is "
            "cancelled; correct the others with a rectifying invoice"
        )
    if invoice_repository.rectifications(session, invoice_id=invoice.id):
        raise InvoiceNotCancellable(f"{number} has rectifying invoices")
    if invoice.issuer_tax_id != issuer.tax_id:
        raise InvoiceNotCancellable(f"{number} was issued under NIF {invoice.issuer_tax_id}")
    invoice.status_id = InvoiceStatus.ANULADO
    invoice.cancellation_note, invoice.cancelled_by = note, actor
    invoice_repository.uncharge_penalties(session, invoice_id=invoice.id)
    records.append(
        session,
        chain=issuing.chain_of(issuer, timezone),
        entries=[
            CancellationFacts(
                invoice_id=invoice.id,
                number=invoice.number,
                issue_date=local_date(invoice.issued_at, timezone),
            )
        ],
        now=now,
    )
    session.flush()
    return invoice
