"""Customer rule violations."""

from mascustomers.errors import DomainError, ErrorCode


class InvalidDocumentValue(DomainError):
    error = ErrorCode.INVALID_DOCUMENT


class PostalCodeMismatch(DomainError):
    error = ErrorCode.POSTAL_CODE_MISMATCH


class CustomerMismatch(DomainError):
    error = ErrorCode.CUSTOMER_MISMATCH
