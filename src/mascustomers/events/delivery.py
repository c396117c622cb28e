"""The webhook delivery worker: at least once, in event order per endpoint, never two at once.

It runs in the scheduler process (``mascustomers scheduler run``, ``serve --with-scheduler``)
on a thread of its own, or alone (``mascustomers webhooks deliver``); as many as you like.

One pass:

1. **Lease** — in one short transaction, take the endpoints that have work (events not
   queued yet, or a pending delivery whose time has come) and that no live lease holds:
   ``leased_by`` this worker until ``lease_until``. PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so
   workers take disjoint endpoints; SQLite: ``BEGIN IMMEDIATE``, one writer. An endpoint is
   only ever sent to by the worker holding its lease.
2. **Serve** each leased endpoint (several at once on a small thread pool), round after
   round while it has work:
   a. *queue* — one ``INSERT … SELECT`` turns the org's events after the endpoint's
      ``queued_through`` (of the types it wants) into PENDING deliveries;
   b. *read* the head of its queue (pending deliveries in event order) and commit;
   c. *send* them one by one on a keep-alive connection, signed, stopping at the first
      failure (later events wait: per-endpoint order) or before the lease could run out;
   d. *record* the attempts (status, latency, answer excerpt), the deliveries' and the
      endpoint's new state (``events.retries``) in one transaction that first checks the
      lease is still held, and renew or give back the lease.

A worker killed anywhere before (d) commits leaves the deliveries PENDING: once its lease has
run out another worker sends them again — a receiver may see an event twice (dedupe on its
``id``), never zero times. A round never sends past its lease (every send is bounded by the
sender's total timeout), so a second worker never sends to an endpoint while the first still
does.
"""

import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.db.engine import begin_for_write
from mascustomers.events import service, webhook_repository
from mascustomers.events.retries import DeliveryStatus, EndpointStatus, RetryPolicy, after_failure
from mascustomers.events.sending import Sender, Sent, Timeouts
from mascustomers.events.signature import HEADER, sign
from mascustomers.kit.clock import clock_for, default_clock
from mascustomers.models import OrgClock, WebhookDelivery, WebhookEndpoint
from mascustomers.outbox import repository
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import ALL, EventType, expand
from mascustomers.scheduler.config import worker_name

log = logging.getLogger(__name__)
# Seconds kept between the end of a send and the end of the lease.
_LEASE_MARGIN = 2.0


@dataclass(frozen=True)
class WorkerConfig:
    # Seconds to wait after a pass that found nothing to do.
    poll_interval: float = 1.0
    # An endpoint leased longer than this without its worker renewing is taken by another.
    lease_seconds: float = 60.0
    endpoints_per_pass: int = 16
    # Deliveries read and sent per round; events queued per round.
    batch_size: int = 200
    queue_batch: int = 10_000
    # Endpoints served at once.
    threads: int = 4
    timeouts: Timeouts = field(default_factory=Timeouts)
    policy: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        # A send must fit in the lease with room to spare, or nothing would ever be sent.
        if self.lease_seconds <= self.timeouts.total + _LEASE_MARGIN:
            raise ValueError(
                f"lease_seconds ({self.lease_seconds}) must exceed the sender's total timeout "
                f"({self.timeouts.total}) by more than {_LEASE_MARGIN} seconds"
            )


@dataclass
class PassResult:
    endpoints: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    # An endpoint had more than a round could take: pass again at once.
    backlog: bool = False

    def add(self, other: "PassResult") -> None:
        self.endpoints += other.endpoints
        self.sent += other.sent
        self.delivered += other.delivered
        self.failed += other.failed
        self.backlog = self.backlog or other.backlog


@dataclass(frozen=True)
class _Item:
    delivery_id: int
    event_id: int
    event_type: str
    body: bytes
    attempts: int
    first_attempt_at: datetime | None


@dataclass(frozen=True)
class _Round:
    endpoint_id: int
    url: str
    secret: str
    # A rolled secret's old one, signing beside ``secret`` until ``previous_until``.
    previous_secret: str | None
    previous_until: datetime | None
    lease_until: datetime
    items: list[_Item]
    # Events are left to queue: another round even if nothing was sent.
    more_to_queue: bool

    def older_secrets(self, at: datetime) -> tuple[str, ...]:
        """What signs a delivery sent ``at`` beside ``secret``: a rolled secret's old one,
        until its time is up."""
        if self.previous_secret and self.previous_until is not None and at < self.previous_until:
            return (self.previous_secret,)
        return ()


def _forget_expired_secret(endpoint: WebhookEndpoint, now: datetime) -> None:
    """A rolled secret's old one, past its time, signs nothing any more."""
    expires = endpoint.previous_secret_expires_at
    if expires is not None and expires <= now:
        endpoint.previous_secret = None
        endpoint.previous_secret_expires_at = None


class DeliveryWorker:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        config: WorkerConfig | None = None,
        worker: str | None = None,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        sender: Sender | None = None,
    ) -> None:
        self.factory = factory
        self.config = config or WorkerConfig()
        self.worker = worker or worker_name("webhooks")
        self._clock = clock
        # Jitter only: not a secret.
        self.rng = rng or random.Random()  # noqa: S311
        self.sender = sender or Sender(self.config.timeouts)
        self.stop_event = threading.Event()
        self._pool: ThreadPoolExecutor | None = None

    def now(self) -> datetime:
        """The worker's clock: the process-wide one unless a clock was injected."""
        return self._clock() if self._clock is not None else default_clock().now()

    # --- passes --------------------------------------------------------------------------

    def run_once(self) -> PassResult:
        """Lease the endpoints with work and serve each; what was sent."""
        ids = self._lease()
        result = PassResult()
        if self.config.threads <= 1 or len(ids) <= 1:
            served = [self._serve(endpoint_id) for endpoint_id in ids]
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.config.threads, "webhooks")
            served = list(self._pool.map(self._serve, ids))
        for one in served:
            result.add(one)
        return result

    def run_until_idle(self, max_passes: int = 1000) -> PassResult:
        """Passes until one finds nothing to do (tests, ``webhooks deliver``)."""
        total = PassResult()
        for _ in range(max_passes):
            result = self.run_once()
            total.add(result)
            if result.endpoints == 0:
                break
        return total

    def run_forever(self) -> None:
        log.info("webhook worker %s started", self.worker)
        while not self.stop_event.is_set():
            try:
                # Between passes that found no backlog it waits: the events of a trickle are
                # then sent a poll interval's worth per round, not one round per event.
                busy = self.run_once().backlog
            except Exception:
                log.exception("webhook delivery pass failed")
                busy = False
            if not busy:
                self.stop_event.wait(self.config.poll_interval)
        log.info("webhook worker %s stopped", self.worker)

    def stop(self) -> None:
        self.stop_event.set()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.sender.close()

    # --- the steps -----------------------------------------------------------------------

    def _lease(self) -> list[int]:
        with self.factory() as session:
            begin_for_write(session)
            now = self.now()
            ids = webhook_repository.lease_endpoints(
                session,
                worker=self.worker,
                now=now,
                until=now + timedelta(seconds=self.config.lease_seconds),
                limit=self.config.endpoints_per_pass,
            )
            session.commit()
            return ids

    def _serve(self, endpoint_id: int) -> PassResult:
        result = PassResult(endpoints=1)
        try:
            while not self.stop_event.is_set():
                prepared = self._prepare(endpoint_id)
                if prepared is None:
                    break
                sent = self._send(prepared)
                if not self._record(prepared, sent, result):
                    break
        except Exception:
            # The lease runs out and another pass (or worker) carries on from what committed.
            log.exception("webhook endpoint %s: delivery round failed", endpoint_id)
        return result

    def _prepare(self, endpoint_id: int) -> _Round | None:
        """Queue new events and read the head of the queue; None when there is nothing to do
        (the lease is given back) or the lease is lost."""
        with self.factory() as session:
            begin_for_write(session)
            endpoint = webhook_repository.held_endpoint(
                session, endpoint_id=endpoint_id, worker=self.worker
            )
            if endpoint is None:
                session.rollback()
                return None
            now = self.now()
            _forget_expired_secret(endpoint, now)
            last = repository.last_position(session, org_id=endpoint.org_id)
            upto = min(last, endpoint.queued_through + self.config.queue_batch)
            if upto > endpoint.queued_through:
                types = None if ALL in endpoint.event_types else expand(endpoint.event_types)
                webhook_repository.queue_events(
                    session, endpoint=endpoint, types=types, upto=upto, now=now
                )
            due = endpoint.status != EndpointStatus.DISABLED and (
                endpoint.next_attempt_at is None or endpoint.next_attempt_at <= now
            )
            queued = (
                webhook_repository.head_of_queue(
                    session, endpoint_id=endpoint.id, limit=self.config.batch_size
                )
                if due
                else []
            )
            more = upto < last
            if not queued and not more:
                endpoint.leased_by = None
                endpoint.lease_until = None
                session.commit()
                return None
            slug = repository.org_slug(session, endpoint.org_id)
            prepared = _Round(
                endpoint_id=endpoint.id,
                url=endpoint.url,
                secret=endpoint.secret,
                previous_secret=endpoint.previous_secret,
                previous_until=endpoint.previous_secret_expires_at,
                lease_until=endpoint.lease_until or now,
                items=[
                    _Item(
                        delivery_id=q.delivery.id,
                        event_id=q.event.id,
                        event_type=q.event.type,
                        body=service.body(q.event, slug),
                        attempts=q.delivery.attempts,
                        first_attempt_at=q.delivery.first_attempt_at,
                    )
                    for q in queued
                ],
                more_to_queue=more,
            )
            session.commit()
            return prepared

    def _send(self, prepared: _Round) -> list[tuple[_Item, datetime, Sent]]:
        """POST the round's deliveries in order until one fails or the lease would end."""
        window = timedelta(seconds=self.config.timeouts.total + _LEASE_MARGIN)
        done: list[tuple[_Item, datetime, Sent]] = []
        for item in prepared.items:
            attempted_at = self.now()
            if attempted_at + window >= prepared.lease_until or self.stop_event.is_set():
                break
            signature = sign(
                prepared.secret,
                item.body,
                int(attempted_at.timestamp()),
                also=prepared.older_secrets(attempted_at),
            )
            headers = {
                "Content-Type": "application/json",
                HEADER: signature,
                "Mascustomers-Event-Id": str(item.event_id),
                "Mascustomers-Event-Type": item.event_type,
                "Mascustomers-Delivery-Id": str(item.delivery_id),
                "Mascustomers-Delivery-Attempt": str(item.attempts + 1),
            }
            sent = self.sender.post(prepared.url, item.body, headers)
            done.append((item, attempted_at, sent))
            if not sent.ok:
                break
        return done

    def _record(
        self,
        prepared: _Round,
        sent: list[tuple[_Item, datetime, Sent]],
        result: PassResult,
    ) -> bool:
        """Store the round's outcome; whether to go on with another round under the lease."""
        with self.factory() as session:
            begin_for_write(session)
            endpoint = webhook_repository.held_endpoint(
                session, endpoint_id=prepared.endpoint_id, worker=self.worker
            )
            if endpoint is None:
                # Lost the lease (or the endpoint was deleted): another worker sends again.
                session.rollback()
                return False
            updates, attempts = [], []
            for item, attempted_at, outcome in sent:
                result.sent += 1
                update_row = self._outcome(session, endpoint, item, attempted_at, outcome)
                updates.append(update_row)
                attempts.append(
                    {
                        "delivery_id": item.delivery_id,
                        "attempted_at": attempted_at,
                        "succeeded": outcome.ok,
                        "status_code": outcome.status_code,
                        "latency_ms": outcome.latency_ms,
                        "response_excerpt": outcome.excerpt,
                        "error": outcome.error,
                    }
                )
                if outcome.ok:
                    result.delivered += 1
                else:
                    result.failed += 1
            if updates:
                session.execute(update(WebhookDelivery), updates)
            webhook_repository.add_attempts(session, attempts)
            complete = len(sent) == len(prepared.items) and all(o.ok for _, _, o in sent)
            full = len(prepared.items) >= self.config.batch_size
            more = prepared.more_to_queue
            go_on = (complete and (full or more)) or (more and not sent)
            result.backlog = result.backlog or go_on
            now = self.now()
            if go_on and not self.stop_event.is_set():
                endpoint.lease_until = now + timedelta(seconds=self.config.lease_seconds)
            else:
                endpoint.leased_by = None
                endpoint.lease_until = None
            session.commit()
            return go_on

    def _outcome(
        self,
        session: Session,
        endpoint: WebhookEndpoint,
        item: _Item,
        attempted_at: datetime,
        outcome: Sent,
    ) -> dict[str, Any]:
        """The delivery's new columns; the endpoint's state moved with the outcome."""
        first = item.first_attempt_at or attempted_at
        row: dict[str, Any] = {
            "id": item.delivery_id,
            "attempts": item.attempts + 1,
            "first_attempt_at": first,
            "last_attempt_at": attempted_at,
            "delivered_at": None,
            "next_attempt_at": None,
        }
        disabled_by_hand = endpoint.status == EndpointStatus.DISABLED
        if outcome.ok:
            row.update(status=DeliveryStatus.DELIVERED, delivered_at=attempted_at)
            endpoint.failures = 0
            endpoint.failing_since = None
            endpoint.next_attempt_at = None
            if not disabled_by_hand:
                endpoint.status = EndpointStatus.ENABLED
            return row
        endpoint.failures += 1
        endpoint.failing_since = endpoint.failing_since or attempted_at
        verdict = after_failure(
            now=attempted_at,
            first_attempt_at=first,
            failing_since=endpoint.failing_since,
            failures=endpoint.failures,
            endpoint=EndpointStatus(endpoint.status),
            policy=self.config.policy,
            rng=self.rng,
        )
        row["status"] = verdict.delivery
        if verdict.delivery is DeliveryStatus.PENDING:
            row["next_attempt_at"] = verdict.next_attempt_at
        endpoint.next_attempt_at = verdict.next_attempt_at
        if disabled_by_hand:
            return row
        if verdict.disabled:
            endpoint.status = EndpointStatus.DISABLED
            endpoint.disabled_at = attempted_at
            outbox.emit(
                session,
                EventType.WEBHOOK_ENDPOINT_DISABLED,
                endpoint,
                at=org_now(session, endpoint.org_id),
            )
        else:
            endpoint.status = verdict.endpoint
        return row


def org_now(session: Session, org_id: int) -> datetime:
    """The org's time: its stored test clock if it has one, else its clock in this process."""
    stored = session.scalar(select(OrgClock.now_at).where(OrgClock.org_id == org_id))
    if stored is not None:
        return stored
    return clock_for(repository.org_slug(session, org_id)).now()


class BackgroundDelivery:
    """The worker on a daemon thread, beside the scheduler loop."""

    def __init__(self, worker: DeliveryWorker) -> None:
        self.worker = worker
        self.thread = threading.Thread(target=worker.run_forever, name="webhooks", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self.worker.stop()
        self.thread.join(timeout)
        self.worker.close()
