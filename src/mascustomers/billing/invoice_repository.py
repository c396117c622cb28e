"""SQL of invoices as issued: the issuer settings, the parties a batch freezes, and the reads
and locks of rectifying and cancelling an invoice."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from mascustomers.billing.repository import Window
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.models import (
    Account,
    Customer,
    Invoice,
    InvoiceIssuer,
    InvoiceLine,
    PenaltyLine,
    User,
)


def issuer(session: Session, *, org_id: int) -> InvoiceIssuer | None:
    return session.get(InvoiceIssuer, org_id)


def save_issuer(
    session: Session, *, org_id: int, values: dict[str, Any], now: datetime
) -> InvoiceIssuer:
    row = session.get(InvoiceIssuer, org_id)
    if row is None:
        row = InvoiceIssuer(org_id=org_id, updated_at=now, **values)
        session.add(row)
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = now
    return row


PartyRow = Row[
    int, str, str | None, str | None, int, int, str,
    str | None, str | None, str | None, str | None,
    str | None, str | None, str | None, str | None, str | None, int | None,
]  # fmt: skip


def parties(session: Session, *, window: Window) -> Sequence[PartyRow]:
    """Per account of the batch's id range: payment method and instrument, the customer's type
    and document, the owner's names and address (one range query, as the others)."""
    return (
        session.connection()
        .execute(
            select(
                Account.id,
                Account.payment_method,
                Account.iban,
                Account.card_masked_number,
                Customer.type_id,
                Customer.document_type_id,
                Customer.document_value,
                User.first_name,
                User.middle_name,
                User.last_name,
                User.company,
                User.street_name,
                User.street_number,
                User.supplement,
                User.postal_code,
                User.locality,
                User.state_id,
            )
            .join(Customer, Customer.id == Account.customer_id)
            .join(User, User.id == Account.owner_user_id)
            .where(Account.id.between(window.first_id, window.last_id))
        )
        .all()
    )


def invoice_for_update(session: Session, *, org_id: int, number: str) -> Invoice | None:
    """The invoice, its row locked until the transaction ends (one correction at a time)."""
    return session.scalars(
        select(Invoice).where(Invoice.org_id == org_id, Invoice.number == number).with_for_update()
    ).one_or_none()


def invoice_by_id(session: Session, *, invoice_id: int) -> Invoice | None:
    return session.get(Invoice, invoice_id)


def lines(session: Session, *, invoice_id: int) -> Sequence[InvoiceLine]:
    return session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.id)
    ).all()


def credited(session: Session, *, line_ids: Sequence[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Per line: net and tax credited by rectifying invoices so far (as positive amounts)."""
    if not line_ids:
        return {}
    rows = session.execute(
        select(
            InvoiceLine.credited_line_id,
            func.sum(InvoiceLine.net_amount),
            func.sum(InvoiceLine.tax_amount),
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            InvoiceLine.credited_line_id.in_(line_ids),
            Invoice.status_id != InvoiceStatus.ANULADO,  # a cancelled credit credits nothing
        )
        .group_by(InvoiceLine.credited_line_id)
    ).all()
    return {int(line or 0): (-Decimal(net), -Decimal(tax)) for line, net, tax in rows}


def rectifications(session: Session, *, invoice_id: int) -> Sequence[Invoice]:
    return session.scalars(
        select(Invoice).where(Invoice.rectified_invoice_id == invoice_id).order_by(Invoice.id)
    ).all()


def uncharge_penalties(session: Session, *, invoice_id: int) -> None:
    """Penalty lines charged on a cancelled invoice may be charged again (or withdrawn)."""
    session.execute(
        update(PenaltyLine).where(PenaltyLine.invoice_id == invoice_id).values(invoice_id=None)
    )


def insert_invoice(session: Session, invoice: Invoice, lines: list[InvoiceLine]) -> Invoice:
    session.add(invoice)
    session.flush()
    for line in lines:
        line.invoice_id = invoice.id
    session.add_all(lines)
    session.flush()
    return invoice
