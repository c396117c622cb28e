"""Subscription rule violations: one error per broken rule (codes 0060-0079)."""

from mascustomers.errors import DomainError, ErrorCode


class SubscriptionNotLive(DomainError):
    """The line is ended (CANCELADO, BAJA) or still held by risk (PENDIENTE RIESGO)."""

    error = ErrorCode.SUBSCRIPTION_NOT_LIVE


class BundledMainLine(DomainError):
    """The main mobile line of a bundle changes product only through a bundle migration."""

    error = ErrorCode.BUNDLED_MAIN_LINE


class ProductNotCompatible(DomainError):
    error = ErrorCode.PRODUCT_NOT_COMPATIBLE


class ScheduledDateNotFuture(DomainError):
    error = ErrorCode.SCHEDULED_DATE_NOT_FUTURE


class ServiceNotChangeable(DomainError):
    error = ErrorCode.SERVICE_NOT_CHANGEABLE


class BonusAlreadyPresent(DomainError):
    error = ErrorCode.BONUS_ALREADY_PRESENT


class NotAMobileLine(DomainError):
    error = ErrorCode.NOT_A_MOBILE_LINE


class BlockedLineNeedsShop(DomainError):
    error = ErrorCode.BLOCKED_LINE_NEEDS_SHOP


class SimReplacementPending(DomainError):
    error = ErrorCode.SIM_REPLACEMENT_PENDING


class SimReplacementConflict(DomainError):
    error = ErrorCode.SIM_REPLACEMENT_CONFLICT


class NotPrepaid(DomainError):
    error = ErrorCode.NOT_PREPAID


class TerminalNotOfLine(DomainError):
    error = ErrorCode.TERMINAL_NOT_OF_LINE
