"""Back-office rule violations of its own operations (code 0095); those of the orders it
decides (risk holds, terminations) are ``orders.errors``."""

from mascustomers.errors import DomainError, ErrorCode


class InvoiceNotPayable(DomainError):
    error = ErrorCode.INVOICE_NOT_PAYABLE
