"""Account rule violations."""

from mascustomers.errors import DomainError, ErrorCode


class AccountNotActive(DomainError):
    error = ErrorCode.ACCOUNT_NOT_ACTIVE


class BundleDoesNotAllow(DomainError):
    error = ErrorCode.BUNDLE_DOES_NOT_ALLOW
