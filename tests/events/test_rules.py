"""Pure rules: event type per line status move, type patterns, retry policy, signatures."""

import random
import time
from datetime import UTC, datetime, timedelta

import pytest

from mascustomers.catalog.statuses import SubscriptionStatus as S
from mascustomers.events.retries import (
    DeliveryStatus,
    EndpointStatus,
    RetryPolicy,
    Verdict,
    after_failure,
)
from mascustomers.events.signature import SignatureError, sign, verify
from mascustomers.outbox.types import (
    TYPES,
    EventType,
    check_patterns,
    expand,
    matches,
    signup_event,
    subscription_status_event,
)


@pytest.mark.parametrize(
    ("previous", "target", "first", "expected"),
    [
        (S.PENDIENTE_ALTA, S.ACTIVO, True, "subscription.activated"),
        (S.PENDIENTE_INSTALACION, S.INSTALADO, True, "subscription.activated"),
        (S.PENDIENTE_RIESGO, S.ACTIVO, True, "subscription.activated"),
        (S.PENDIENTE_RIESGO, S.PENDIENTE_ALTA, True, "subscription.status_changed"),
        (S.ACTIVO, S.BLOQUEADO, False, "subscription.blocked"),
        (S.BLOQUEADO, S.ACTIVO, False, "subscription.unblocked"),
        (S.ACTIVO, S.PENDIENTE_A_DESACTIVAR, False, "subscription.status_changed"),
        (S.PENDIENTE_A_DESACTIVAR, S.ACTIVO, False, "subscription.status_changed"),
        (S.ACTIVO, S.BAJA, False, "subscription.terminated"),
        (S.PENDIENTE_ALTA, S.CANCELADO, True, "subscription.cancelled"),
    ],
)
def test_one_event_per_line_status_move(previous: S, target: S, first: bool, expected: str) -> None:
    assert subscription_status_event(previous, target, first_activation=first) == expected


def test_signup_decisions() -> None:
    assert [signup_event(d) for d in ("a", "r", "n/a", "x")] == [
        "signup.accepted",
        "signup.held",
        "signup.held",
        "signup.rejected",
    ]


def test_every_type_is_documented_with_a_dotted_name() -> None:
    assert set(TYPES) == set(EventType)
    for type_ in EventType:
        family, _, name = type_.value.partition(".")
        assert family
        assert name
        assert TYPES[type_].when


def test_patterns() -> None:
    assert check_patterns(["*", "invoice.*", "signup.held", "invoice.*"]) == [
        "*",
        "invoice.*",
        "signup.held",
    ]
    for bad in ("invoice", "invoice.nope", "nope.*", ""):
        with pytest.raises(ValueError, match="unknown event type"):
            check_patterns([bad])
    assert expand(["invoice.*"]) == ["invoice.issued", "invoice.paid"]
    assert matches(["*"], "penalty.deleted")
    assert matches(["penalty.*"], "penalty.deleted")
    assert not matches(["penalty.*"], "penaltyx.deleted")
    assert not matches(["invoice.paid"], "invoice.issued")


T0 = datetime(2027, 1, 1, tzinfo=UTC)
POLICY = RetryPolicy()


def test_backoff_doubles_to_its_cap_with_jitter() -> None:
    rng = random.Random(1)
    for failures, nominal in [(1, 60), (2, 120), (3, 240), (9, 60 * 256), (10, 6 * 3600)]:
        for _ in range(20):
            delay = POLICY.delay(failures, rng).total_seconds()
            assert 0.8 * nominal <= delay <= 1.2 * nominal
    assert POLICY.delay(1000, rng) <= POLICY.cap * 1.2


def test_give_up_then_disable() -> None:
    rng = random.Random(2)

    def fail(now: datetime, first: datetime, since: datetime, failures: int) -> Verdict:
        return after_failure(
            now=now,
            first_attempt_at=first,
            failing_since=since,
            failures=failures,
            endpoint=EndpointStatus.ENABLED,
            policy=POLICY,
            rng=rng,
        )

    early = fail(T0 + timedelta(hours=1), T0, T0, 5)
    assert early.delivery is DeliveryStatus.PENDING
    assert early.next_attempt_at > T0 + timedelta(hours=1)
    late = fail(T0 + timedelta(hours=70), T0, T0, 18)
    assert late.gave_up
    assert late.endpoint is EndpointStatus.FAILING
    off = fail(T0 + timedelta(days=5), T0 + timedelta(days=4), T0, 30)
    assert off.disabled
    assert off.next_attempt_at is None


SECRET = "whsec_test"
BODY = b'{"id":1,"type":"signup.accepted"}'


def test_a_signature_verifies_within_the_tolerance_only() -> None:
    now = int(time.time())
    header = sign(SECRET, BODY, now)
    assert header.startswith(f"t={now},v1=")
    assert verify(BODY, header, SECRET)["id"] == 1
    assert verify(BODY.decode(), header, SECRET, now=now + 300)["type"] == "signup.accepted"
    with pytest.raises(SignatureError, match="tolerance"):
        verify(BODY, header, SECRET, now=now + 301)
    with pytest.raises(SignatureError, match="no signature"):
        verify(BODY + b" ", header, SECRET)
    with pytest.raises(SignatureError, match="no signature"):
        verify(BODY, header, "whsec_other")
    with pytest.raises(SignatureError):
        verify(BODY, "v1=abc", SECRET)
    with pytest.raises(SignatureError):
        verify(BODY, f"t=x,v1={'0' * 64}", SECRET)
    # A header with several v1 (a secret being rotated) passes if one matches.
    rotated = f"t={now},v1={'0' * 64},{header.split(',')[1]}"
    assert verify(BODY, rotated, SECRET)["id"] == 1
