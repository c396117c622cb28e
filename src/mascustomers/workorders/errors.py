"""Work-order rule violations: a change the order's type or status does not allow (0089)."""

from mascustomers.errors import DomainError, ErrorCode


class ChangeNotAllowed(DomainError):
    """The change type is not allowed in the order's status; change-order answers it in errorVO."""

    error = ErrorCode.CHANGE_NOT_ALLOWED
