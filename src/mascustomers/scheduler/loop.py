"""The scheduler loop (``mascustomers scheduler run``) and its in-process thread for ``serve``.

Passes run back to back while they find work (a full batch means more is probably due) and
wait ``poll_interval`` seconds after a pass that found less. An error of the pass itself
(database unreachable, …) is logged and retried after the interval; an error of one
operation never stops the loop (the runner records it).
"""

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from mascustomers.scheduler.config import SchedulerConfig, worker_name
from mascustomers.scheduler.housekeeping import purge_idempotency_answers
from mascustomers.scheduler.registry import Registry, default_registry
from mascustomers.scheduler.runner import Outcome, tick

log = logging.getLogger(__name__)


class SchedulerLoop:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        config: SchedulerConfig | None = None,
        registry: Registry | None = None,
        worker: str | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.factory = factory
        self.config = config or SchedulerConfig()
        self.registry = registry or default_registry()
        self.worker = worker or worker_name()
        self.on_outcome = on_outcome
        self.stop_event = threading.Event()

    def run_once(self) -> list[Outcome]:
        outcomes = tick(
            self.factory, worker=self.worker, registry=self.registry, config=self.config
        )
        for outcome in outcomes:
            log.info(
                "scheduled operation %s %s: %s",
                outcome.operation_id,
                outcome.kind,
                outcome.status,
            )
            if self.on_outcome is not None:
                self.on_outcome(outcome)
        return outcomes

    def housekeeping(self) -> None:
        purged = purge_idempotency_answers(
            self.factory, keep_hours=self.config.idempotency_key_hours
        )
        if purged:
            log.info("purged %d expired Idempotency-Key answers", purged)

    def run_forever(self) -> None:
        """Pass after pass until ``stop()``; housekeeping every ``housekeeping_seconds``."""
        log.info("scheduler %s started", self.worker)
        next_housekeeping = time.monotonic()
        while not self.stop_event.is_set():
            if time.monotonic() >= next_housekeeping:
                next_housekeeping = time.monotonic() + self.config.housekeeping_seconds
                try:
                    self.housekeeping()
                except Exception:
                    log.exception("scheduler housekeeping failed")
            try:
                busy = len(self.run_once()) >= self.config.batch_size
            except Exception:
                log.exception("scheduler pass failed")
                busy = False
            if not busy:
                self.stop_event.wait(self.config.poll_interval)
        log.info("scheduler %s stopped", self.worker)

    def stop(self) -> None:
        self.stop_event.set()


class BackgroundScheduler:
    """The loop on a daemon thread, for ``serve --with-scheduler``."""

    def __init__(self, loop: SchedulerLoop) -> None:
        self.loop = loop
        self.thread = threading.Thread(target=loop.run_forever, name="scheduler", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self.loop.stop()
        self.thread.join(timeout)
