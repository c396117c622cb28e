"""Must show 2: a receiver that is down is retried with growing delays and gets the event once it
is up; one that answers 500 forever has its delivery given up and the endpoint marked failing
after the documented 3 days, then disabled (with an event of its own) after 5.

The worker's time is injected (a frozen clock the test moves to each retry): no real days.
"""

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.events.delivery import DeliveryWorker
from mascustomers.events.retries import RetryPolicy
from mascustomers.kit.clock import FrozenClock
from mascustomers.models import WebhookEndpoint
from tests.bodies import mobile_signup, owner
from tests.events.conftest import MakeWorker, add_endpoint, event_types
from tests.events.receiver import Reply, receiving
from tests.factories import ApiCaller
from tests.live_server import free_port

pytestmark = pytest.mark.usefixtures("catalogue")
POLICY = RetryPolicy()


def signup(api: ApiCaller, number: int = 12345678) -> None:
    response = api.post("/signups", json=mobile_signup(person=owner(number)))
    assert response.status_code == 200, response.text


def endpoint_row(session: Session, endpoint_id: int) -> WebhookEndpoint:
    session.expire_all()
    found = session.get(WebhookEndpoint, endpoint_id)
    assert found is not None
    return found


def deliveries(api: ApiCaller, endpoint_id: int) -> list[dict[str, Any]]:
    response = api.get(f"/ops/webhooks/{endpoint_id}/deliveries")
    assert response.status_code == 200, response.text
    return list(response.json()["deliveries"])


def attempt_times(delivery: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(a["attempted"]) for a in delivery["log"]]


def retry(worker: DeliveryWorker, clock: FrozenClock, session: Session, endpoint_id: int) -> None:
    """Move the worker's time to the endpoint's next try and let it run."""
    due = endpoint_row(session, endpoint_id).next_attempt_at
    assert due is not None
    clock.set(due)
    worker.run_until_idle()


def test_a_receiver_down_is_retried_with_growing_delays_then_gets_the_event_once(
    api: ApiCaller, session: Session, make_worker: MakeWorker
) -> None:
    port = free_port()  # nothing listens there yet
    endpoint = add_endpoint(api, f"http://127.0.0.1:{port}/hook")
    signup(api)
    clock = FrozenClock(datetime(2027, 5, 3, 9, 0, tzinfo=UTC))
    worker = make_worker(clock=clock.now, rng=random.Random(7))
    worker.run_until_idle()
    for _ in range(4):
        retry(worker, clock, session, endpoint["id"])
    [delivery] = deliveries(api, endpoint["id"])
    assert delivery["status"] == "PENDING"
    assert all(not a["succeeded"] and a["status_code"] is None for a in delivery["log"])
    assert "ConnectionRefusedError" in delivery["log"][0]["error"]
    times = attempt_times(delivery)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert len(gaps) == 4
    for n, gap in enumerate(gaps, start=1):  # 1, 2, 4, 8 minutes, ± 20%
        nominal = 60 * 2 ** (n - 1)
        assert 0.8 * nominal - 1 <= gap <= 1.2 * nominal + 1
    assert gaps == sorted(gaps)
    with receiving(port=port) as receiver:
        retry(worker, clock, session, endpoint["id"])
        worker.run_until_idle()  # nothing more to send
        assert [e["type"] for e in receiver.events()] == ["signup.accepted"]
    [delivery] = deliveries(api, endpoint["id"])
    assert (delivery["status"], delivery["attempts"]) == ("DELIVERED", 6)
    row = endpoint_row(session, endpoint["id"])
    assert (row.status, row.failures, row.next_attempt_at) == ("ENABLED", 0, None)


def test_a_receiver_failing_forever_is_marked_failing_after_three_days_then_disabled(
    api: ApiCaller, session: Session, make_worker: MakeWorker
) -> None:
    with receiving(lambda path, body: Reply(500, b"boom")) as down, receiving() as healthy:
        failing = add_endpoint(api, down.url())
        watcher = add_endpoint(api, healthy.url(), ["webhook_endpoint.*"])
        signup(api, 11111111)
        signup(api, 22222222)
        start = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
        clock = FrozenClock(start)
        worker = make_worker(clock=clock.now, rng=random.Random(3))
        worker.run_until_idle()
        while endpoint_row(session, failing["id"]).status == "ENABLED":
            retry(worker, clock, session, failing["id"])
        first, second = sorted(deliveries(api, failing["id"]), key=lambda d: d["id"])
        assert (first["status"], second["status"]) == ("FAILED", "PENDING")
        times = attempt_times(first)
        # Given up at the last try within 3 days of the first: the next would be later.
        assert times[-1] - times[0] <= POLICY.give_up_after
        assert times[-1] - times[0] > POLICY.give_up_after - POLICY.cap * 1.2
        assert len(times) == first["attempts"] >= 17
        assert all(
            a["status_code"] == 500 and a["response_excerpt"] == "boom" for a in first["log"]
        )
        assert endpoint_row(session, failing["id"]).status == "FAILING"
        assert event_types(api, type="webhook_endpoint.*") == []
        while endpoint_row(session, failing["id"]).status == "FAILING":
            retry(worker, clock, session, failing["id"])
        row = endpoint_row(session, failing["id"])
        assert row.status == "DISABLED"
        assert row.failing_since is not None
        assert row.disabled_at is not None
        assert POLICY.disable_after <= row.disabled_at - row.failing_since
        assert row.disabled_at - row.failing_since < POLICY.disable_after + POLICY.cap * 1.2
        assert event_types(api, type="webhook_endpoint.*") == ["webhook_endpoint.disabled"]
        worker.run_until_idle()  # the disabled event reaches the healthy endpoint
        [told] = healthy.events()
        assert told["subject"] == {"webhook_endpoint_id": failing["id"]}
        assert told["data"]["object"]["status"] == "DISABLED"
        assert "secret" not in told["data"]["object"]
        # Disabled: no more tries, however late it gets.
        sent = len(down.received)
        clock.set(clock.now() + timedelta(days=30))
        worker.run_until_idle()
        assert len(down.received) == sent
        _ = watcher
