"""Money the back office records: prepaid recharges and invoice payments."""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import local_date, start_of_day
from mascustomers.models import Invoice, Recharge
from mascustomers.ops import repository
from mascustomers.ops.errors import InvoiceNotPayable
from mascustomers.subscriptions import service as subscriptions_service

# A returned direct debit (DEVUELTO) is paid later by other means, like a pending invoice.
PAYABLE = frozenset({InvoiceStatus.PENDIENTE, InvoiceStatus.DEVUELTO})


def record_recharge(
    session: Session,
    *,
    caller: Caller,
    subscription_id: int,
    amount: Decimal,
    origin_id: int,
    movement_type_id: int,
) -> Recharge:
    """A balance movement of a prepaid line (``subscriptions.service.record_recharge``)."""
    return subscriptions_service.record_recharge(
        session,
        org_id=caller.org_id,
        subscription_id=subscription_id,
        amount=amount,
        movement_type_id=movement_type_id,
        origin_id=origin_id,
        recharged_at=caller.now,
    )


def pay_invoice(
    session: Session, *, caller: Caller, invoice_id: int, pay_date: date | None, tz: str
) -> Invoice:
    """PENDIENTE (or DEVUELTO) → PAGADO, paid today or on ``pay_date`` (not in the future)."""
    invoice = repository.get_invoice(
        session, org_id=caller.org_id, invoice_id=invoice_id, lock=True
    )
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    status = InvoiceStatus(invoice.status_id)
    if status not in PAYABLE:
        raise InvoiceNotPayable(f"invoice {invoice.number} is {status.label}")
    day = pay_date or caller.today
    if day > caller.today:
        raise ValidationFailed(f"pay_date: {day.isoformat()} is in the future", field="pay_date")
    issued = local_date(invoice.issued_at, tz)
    if day < issued:
        raise ValidationFailed(
            f"pay_date: {day.isoformat()} is before the invoice date {issued.isoformat()}",
            field="pay_date",
        )
    invoice.status_id = InvoiceStatus.PAGADO
    invoice.paid_at = caller.now if day == caller.today else start_of_day(day, tz)
    session.flush()
    return invoice
