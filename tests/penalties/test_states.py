"""The computed-penalty state machine as a pure table."""

import pytest

from mascustomers.errors import DomainError, ErrorCode
from mascustomers.penalties.states import PenaltyStatus, check_confirm, check_delete


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (PenaltyStatus.COMPUTED, None),
        (PenaltyStatus.CONFIRMED, ErrorCode.PENALTY_ALREADY_CONFIRMED),
        (PenaltyStatus.DELETED, ErrorCode.PENALTY_DELETED),
        (PenaltyStatus.SUPERSEDED, ErrorCode.PENALTY_SUPERSEDED),
    ],
)
def test_confirm(status: PenaltyStatus, error: ErrorCode | None) -> None:
    if error is None:
        check_confirm(status, 1)
        return
    with pytest.raises(DomainError) as raised:
        check_confirm(status, 1)
    assert raised.value.error is error


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (PenaltyStatus.COMPUTED, ErrorCode.PENALTY_NOT_CONFIRMED),
        (PenaltyStatus.CONFIRMED, None),
        (PenaltyStatus.DELETED, ErrorCode.PENALTY_NOT_CONFIRMED),
        (PenaltyStatus.SUPERSEDED, ErrorCode.PENALTY_NOT_CONFIRMED),
    ],
)
def test_delete(status: PenaltyStatus, error: ErrorCode | None) -> None:
    if error is None:
        check_delete(status, 1)
        return
    with pytest.raises(DomainError) as raised:
        check_delete(status, 1)
    assert raised.value.error is error


def test_codes_are_in_the_penalty_range() -> None:
    codes = [
        ErrorCode.PENALTY_ALREADY_CONFIRMED,
        ErrorCode.PENALTY_DELETED,
        ErrorCode.PENALTY_NOT_CONFIRMED,
        ErrorCode.PENALTY_ALREADY_INVOICED,
        ErrorCode.PENALTY_LINE_UNKNOWN,
        ErrorCode.PENALTY_ALREADY_CHARGED,
        ErrorCode.PENALTY_REASON_NOT_APPLICABLE,
    ]
    assert [c.code for c in codes] == [f"{n:04d}" for n in range(80, 87)]
    assert all(c.http_status == 400 for c in codes)
    assert len({c.code for c in ErrorCode}) == len(ErrorCode)
