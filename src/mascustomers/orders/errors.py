"""Rule violations of orders: change-order requests (0087, 0088), risk holds (0090, 0091) and
terminations (0092-0094)."""

from mascustomers.errors import DomainError, ErrorCode


class ChangeTypeUnknown(DomainError):
    error = ErrorCode.CHANGE_TYPE_UNKNOWN


class ChangeParametersInvalid(DomainError):
    error = ErrorCode.CHANGE_PARAMETERS_INVALID


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
