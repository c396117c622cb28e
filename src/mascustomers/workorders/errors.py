"""Change-order rule violations (codes 0087-0089)."""

from mascustomers.errors import DomainError, ErrorCode


class ChangeTypeUnknown(DomainError):
    error = ErrorCode.CHANGE_TYPE_UNKNOWN


class ChangeParametersInvalid(DomainError):
    error = ErrorCode.CHANGE_PARAMETERS_INVALID


class ChangeNotAllowed(DomainError):
    """The change type is not allowed in the order's status; change-order answers it in errorVO."""

    error = ErrorCode.CHANGE_NOT_ALLOWED
