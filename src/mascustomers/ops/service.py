"""The back office's own operations: money it records (prepaid recharges, invoice payments)
and accounts' tax province.

Money the back office records: prepaid recharges and invoice payments.

Back-office account changes: the tax province when a customer moves.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.auth.caller import Caller
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.kit.clock import local_date, start_of_day
from mascustomers.models import Invoice, Recharge
from mascustomers.ops import repository
from mascustomers.ops.errors import InvoiceNotPayable
from mascustomers.ops.schemas import TaxPeriod
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
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
    session: Session, *, caller: Caller, invoice_id: int, pay_date: date | None
) -> Invoice:
    """PENDIENTE (or DEVUELTO) → PAGADO, paid today or on ``pay_date`` (not in the future)."""
    tz = caller.tz
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
    outbox.emit(session, EventType.INVOICE_PAID, invoice, at=caller.now)
    return invoice


def change_tax_province(
    session: Session, *, caller: Caller, account_id: int, state_id: int
) -> TaxPeriod:
    account = accounts_service.get_account(session, org_id=caller.org_id, account_id=account_id)
    if account is None:
        raise NotFound(f"account {account_id} not found")
    period = accounts_service.move_tax_province(
        session, account=account, state_id=state_id, now=caller.now
    )
    return TaxPeriod(
        account_id=account.id,
        state_id=period.state_id,
        description=period.description,
        tax_value=float(period.tax_value),
        tax_terminal_value=float(period.tax_terminal_value),
        start_date=period.start_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
