"""Test-clock rules a request can break."""

from mascustomers.errors import DomainError, ErrorCode


class ClockNeedsSandbox(DomainError):
    """Test clocks move an org's time; only sandbox orgs have them."""

    error = ErrorCode.TEST_CLOCK_NOT_AVAILABLE


class ClockOnlyMovesForward(DomainError):
    error = ErrorCode.CLOCK_ONLY_MOVES_FORWARD


class ClockAdvanceTooFar(DomainError):
    error = ErrorCode.CLOCK_ADVANCE_TOO_FAR
