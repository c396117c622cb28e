"""Computed-penalty states and reasons (a pure table).

COMPUTED (a GET's answer) → CONFIRMED (PUT; its confirmed lines are charged on the next
invoice) → DELETED (DELETE; only a confirmed one, withdrawn while no line is invoiced).
COMPUTED → SUPERSEDED: a newer computation of the same account, line and reason that answers
differently replaces it (kept as history, it can no longer be confirmed). So at most one
computation per account, line and reason is confirmable at a time.
"""

from enum import StrEnum

from mascustomers.penalties.errors import (
    PenaltyAlreadyConfirmed,
    PenaltyDeleted,
    PenaltyNotConfirmed,
    PenaltySuperseded,
)


class PenaltyStatus(StrEnum):
    COMPUTED = "COMPUTED"
    CONFIRMED = "CONFIRMED"
    DELETED = "DELETED"
    SUPERSEDED = "SUPERSEDED"


class AccountReason(StrEnum):
    """``GET penalties/{accountId}?reason=``."""

    UNSUBSCRIBE = "unsubscribe"
    CANCEL = "cancel"


class LineReason(StrEnum):
    """``GET penalties/{accountId}/subscriptions/...?reason=``."""

    BROADBAND_SUBSCRIPTION = "broadband_subscription"
    DEVICE = "device"
    MOBILE = "mobile"


# Stored reasons that are not asked for by a channel.
INFERRED_LINE_REASON = "subscription"
ORDER_CANCELLATION_REASON = "cancel"


def check_confirm(
    status: PenaltyStatus, penalty_id: int, *, superseded_by: int | None = None
) -> None:
    """Only a COMPUTED penalty can be confirmed."""
    if status is PenaltyStatus.CONFIRMED:
        raise PenaltyAlreadyConfirmed(f"computed penalty {penalty_id} is already confirmed")
    if status is PenaltyStatus.DELETED:
        raise PenaltyDeleted(f"computed penalty {penalty_id} was deleted")
    if status is PenaltyStatus.SUPERSEDED:
        raise PenaltySuperseded(
            f"computed penalty {penalty_id} was superseded by computed penalty {superseded_by}, "
            "a newer computation of the same account, line and reason; confirm that one",
            superseded_by=superseded_by,
        )


def check_delete(status: PenaltyStatus, penalty_id: int) -> None:
    """Only a CONFIRMED penalty can be deleted."""
    if status is not PenaltyStatus.CONFIRMED:
        raise PenaltyNotConfirmed(
            f"computed penalty {penalty_id} is {status.value}; only a confirmed one can be deleted"
        )
