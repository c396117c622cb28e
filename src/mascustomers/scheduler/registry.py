"""Which function runs each kind of scheduled operation.

A handler is ``(session, operation, now) -> None``: it does the operation's work in the
session it is given (flushing, never committing) with ``now`` as the org's time; the runner
commits the work together with the operation's DONE mark. Handlers are named as
``"module:function"`` and imported on first use, so the scheduler does not import every
domain at start-up and a domain's jobs module may import what it likes. A kind with no
handler, or whose handler cannot be imported, is recorded FAILED with that error.
"""

import importlib
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.models import ScheduledOperation

# What a handler returns is ignored (some answer whether they did anything).
Handler = Callable[[Session, ScheduledOperation, datetime], object]

# Every kind the code base schedules, with its handler. Bonus starts need none: a bonus row
# carries its own start instant. A domain that adds a kind adds it here.
DEFAULT_HANDLERS: dict[str, str] = {
    "PORTABILITY_WINDOW": "mascustomers.subscriptions.jobs:activate_ported_line",
    "PRODUCT_CHANGE": "mascustomers.subscriptions.jobs:apply_scheduled_product_change",
    "BONUS_END": "mascustomers.subscriptions.jobs:end_scheduled_bonus",
    "DEACTIVATION": "mascustomers.orders.jobs:run_deactivation",
    "EMIT_EVENT": "mascustomers.outbox.jobs:emit_due_event",
}


class UnknownKind(LookupError):
    """No runnable handler for an operation's kind."""


class Registry:
    """``kind`` → handler, resolved lazily from ``module:function`` references."""

    def __init__(self, handlers: dict[str, Handler | str] | None = None) -> None:
        self._handlers: dict[str, Handler | str] = dict(
            DEFAULT_HANDLERS if handlers is None else handlers
        )

    def register(self, kind: str, handler: Handler | str) -> None:
        self._handlers[kind] = handler

    def kinds(self) -> Iterable[str]:
        return sorted(self._handlers)

    def resolve(self, kind: str) -> Handler:
        handler = self._handlers.get(kind)
        if handler is None:
            raise UnknownKind(f"no handler registered for operation kind {kind!r}")
        if isinstance(handler, str):
            handler = _import(kind, handler)
            self._handlers[kind] = handler
        return handler


def _import(kind: str, reference: str) -> Handler:
    module_name, _, attribute = reference.partition(":")
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise UnknownKind(
            f"handler {reference} of kind {kind!r} cannot be loaded: {error}"
        ) from error
    if not callable(handler):
        raise UnknownKind(f"handler {reference} of kind {kind!r} is not callable")
    return handler  # type: ignore[no-any-return]


def default_registry() -> Registry:
    return Registry()
