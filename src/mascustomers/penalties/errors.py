"""Penalty rule violations: one error per broken rule (codes 0080-0086, 0096)."""

from mascustomers.errors import DomainError, ErrorCode


class PenaltyAlreadyConfirmed(DomainError):
    error = ErrorCode.PENALTY_ALREADY_CONFIRMED


class PenaltyDeleted(DomainError):
    error = ErrorCode.PENALTY_DELETED


class PenaltyNotConfirmed(DomainError):
    error = ErrorCode.PENALTY_NOT_CONFIRMED


class PenaltyAlreadyInvoiced(DomainError):
    error = ErrorCode.PENALTY_ALREADY_INVOICED


class PenaltyLineUnknown(DomainError):
    error = ErrorCode.PENALTY_LINE_UNKNOWN


class PenaltyAlreadyCharged(DomainError):
    """A commitment of the penalty is already charged by another confirmed penalty."""

    error = ErrorCode.PENALTY_ALREADY_CHARGED


class PenaltyReasonNotApplicable(DomainError):
    error = ErrorCode.PENALTY_REASON_NOT_APPLICABLE


class PenaltySuperseded(DomainError):
    """A newer computation of the same account, line and reason replaced this one."""

    error = ErrorCode.PENALTY_SUPERSEDED
