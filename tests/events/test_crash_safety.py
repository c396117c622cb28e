"""Must show 3: a delivery worker killed (SIGKILL) in the middle of sending loses nothing — after
its lease runs out the next worker sends every event at least once, in order; and a request
that rolls back leaves no event.
"""

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.events.delivery import DeliveryWorker, WorkerConfig
from mascustomers.idempotency import repository as idempotency_repository
from mascustomers.kit.clock import default_clock
from mascustomers.models import Event, Subscription, WebhookDelivery
from tests.bodies import mobile_signup, owner
from tests.databases import fresh_database_url
from tests.events.conftest import add_endpoint, event_types
from tests.events.receiver import Reply, receiving
from tests.events.world import committed_world, worker_process
from tests.factories import ApiCaller

EVENTS = 12


def wait_for(condition: object, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_worker_killed_mid_delivery_loses_nothing(tmp_path: Path, worker_id: str) -> None:
    url = fresh_database_url(f"evt_crash_{worker_id}", tmp_path)
    slow = Reply(200, b"ok", delay=0.15)
    with committed_world(url) as world, receiving(lambda path, body: slow) as receiver:
        endpoint = add_endpoint(world.api, receiver.url())
        for i in range(EVENTS):
            response = world.api.post("/signups", json=mobile_signup(person=owner(30_000_000 + i)))
            assert response.status_code == 200, response.text
        with world.factory()() as session:
            ids = list(session.scalars(select(Event.id).order_by(Event.position)))
        assert len(ids) == EVENTS
        doomed = worker_process(url, "doomed", lease=4.0, batch=6)
        try:
            wait_for(lambda: len(receiver.received) >= 3)  # mid-round
            doomed.send_signal(signal.SIGKILL)  # kill -9
            doomed.wait(timeout=30)
        finally:
            if doomed.poll() is None:
                doomed.kill()
        time.sleep(0.5)  # the receiver finishes what was in flight when the worker died
        sent_before = [r.event["id"] for r in receiver.received]
        with world.factory()() as session:
            recorded = set(
                session.scalars(
                    select(WebhookDelivery.event_id).where(WebhookDelivery.status == "DELIVERED")
                )
            )
        unrecorded = [i for i in sent_before if i not in recorded]
        assert unrecorded  # killed mid-round: sent, not recorded
        # The next worker, once the dead one's lease has run out (its clock 10 s on).
        later = DeliveryWorker(
            world.factory(),
            config=WorkerConfig(threads=1),
            clock=lambda: default_clock().now() + timedelta(seconds=10),
        )
        try:
            later.run_until_idle()
        finally:
            later.close()
        received = [r.event["id"] for r in receiver.received]
        assert set(received) == set(ids)  # every event at least once
        assert list(dict.fromkeys(received)) == ids  # first seen in event order
        after = received[len(sent_before) :]
        assert after == [i for i in ids if i not in recorded]  # the rest, once, in order
        with world.factory()() as session:
            states = session.scalars(select(WebhookDelivery.status)).all()
        assert states == ["DELIVERED"] * EVENTS
        _ = endpoint


@pytest.mark.usefixtures("catalogue")
def test_a_request_that_rolls_back_leaves_no_event(
    api: ApiCaller, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = api.post("/signups", json=mobile_signup()).json()
    line = signed["account_info"]["subscriptions"][0]
    assert event_types(api) == ["signup.accepted"]

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away before the commit")

    # activate-sim runs (and emits subscription.activated), then its commit step fails.
    monkeypatch.setattr(idempotency_repository, "store", fail)
    response = api.patch(
        "/signups/activate-sim",
        json={"msisdn": str(line["msisdn"])},
        headers={"Idempotency-Key": "activate-once"},
    )
    assert response.status_code == 500
    assert event_types(api) == ["signup.accepted"]
    session.expire_all()
    subscription = session.get(Subscription, line["subscription_id"])
    assert subscription is not None
    assert subscription.status_id == 2
    monkeypatch.undo()
    response = api.patch("/signups/activate-sim", json={"msisdn": str(line["msisdn"])})
    assert response.status_code == 200
    assert event_types(api) == ["signup.accepted", "subscription.activated"]
