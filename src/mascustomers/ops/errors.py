"""Back-office rule violations (codes 0090-0095)."""

from mascustomers.errors import DomainError, ErrorCode


class SellNotHeld(DomainError):
    error = ErrorCode.SELL_NOT_HELD


class HoldNotApprovable(DomainError):
    """A held operation whose continuation belongs to its own domain (product change, …)."""

    error = ErrorCode.HOLD_NOT_APPROVABLE


class MotiveNotApplicable(DomainError):
    """A termination motive on a line not yet live, or a cancellation one on a live line."""

    error = ErrorCode.MOTIVE_NOT_APPLICABLE


class TerminationNotAllowed(DomainError):
    error = ErrorCode.TERMINATION_NOT_ALLOWED


class TerminationDateNotFuture(DomainError):
    error = ErrorCode.TERMINATION_DATE_NOT_FUTURE


class InvoiceNotPayable(DomainError):
    error = ErrorCode.INVOICE_NOT_PAYABLE
