"""Billing rules a request can break."""

from mascustomers.errors import DomainError, ErrorCode


class BillingCycleNotClosed(DomainError):
    """A cycle is billed once it is over in the org's time (its next month has started)."""

    error = ErrorCode.BILLING_CYCLE_NOT_CLOSED
