"""The retry policy and the handler registry (no database)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from mascustomers.models import ScheduledOperation
from mascustomers.scheduler.registry import DEFAULT_HANDLERS, Registry, UnknownKind
from mascustomers.scheduler.states import backoff


def test_backoff_doubles_up_to_a_cap() -> None:
    delays = [backoff(n, base_seconds=60, max_seconds=600) for n in range(1, 7)]
    assert delays == [timedelta(seconds=s) for s in (60, 120, 240, 480, 600, 600)]
    assert backoff(10_000, base_seconds=60, max_seconds=3600) == timedelta(hours=1)


def test_every_registered_handler_loads() -> None:
    registry = Registry()
    for kind in DEFAULT_HANDLERS:
        assert callable(registry.resolve(kind))
    assert {"PORTABILITY_WINDOW", "PRODUCT_CHANGE", "DEACTIVATION"} <= set(registry.kinds())


def test_unknown_and_broken_handlers() -> None:
    def handler(session: Session, operation: ScheduledOperation, now: datetime) -> None:
        return None

    registry = Registry({"OK": handler, "BROKEN": "mascustomers.scheduler:missing"})
    assert registry.resolve("OK") is handler
    with pytest.raises(UnknownKind, match="no handler registered"):
        registry.resolve("NOPE")
    with pytest.raises(UnknownKind, match="cannot be loaded"):
        registry.resolve("BROKEN")
