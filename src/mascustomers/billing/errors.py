"""Billing rules a request can break."""

from mascustomers.errors import DomainError, ErrorCode


class BillingCycleNotClosed(DomainError):
    """A cycle is billed once it is over in the org's time (its next month has started)."""

    error = ErrorCode.BILLING_CYCLE_NOT_CLOSED


class BillingIssuerNotSet(DomainError):
    """Invoices need their issuer's legal name, NIF and fiscal address (RD 1619/2012 art. 6)."""

    error = ErrorCode.BILLING_ISSUER_NOT_SET


class InvoiceNotRectifiable(DomainError):
    """The reason does not fit the invoice (a rectifying invoice, no such lines, its status)."""

    error = ErrorCode.INVOICE_NOT_RECTIFIABLE


class CreditExceedsInvoiced(DomainError):
    """A line is credited for more than it charged less what was credited already."""

    error = ErrorCode.CREDIT_EXCEEDS_INVOICED


class InvoiceNotCancellable(DomainError):
    """Only an invoice issued by mistake, unpaid and never rectified, is cancelled."""

    error = ErrorCode.INVOICE_NOT_CANCELLABLE
