"""Must show 4: two delivery worker processes on one database (PostgreSQL in CI's second run:
``FOR UPDATE SKIP LOCKED``; SQLite: one writer) share the endpoints, and no endpoint ever has
two deliveries in flight at once: each event arrives once, in order, one after the other.
"""

import signal
import time
from pathlib import Path

from tests.bodies import mobile_signup, owner
from tests.databases import fresh_database_url
from tests.events.conftest import add_endpoint
from tests.events.receiver import Reply, receiving
from tests.events.world import committed_world, worker_process

ENDPOINTS, EVENTS = 4, 40


def test_two_workers_never_deliver_to_one_endpoint_at_once(tmp_path: Path, worker_id: str) -> None:
    url = fresh_database_url(f"evt_two_{worker_id}", tmp_path)
    # Each answer takes a while: overlapping deliveries to one path would be caught in flight.
    slow = Reply(200, b"ok", delay=0.02)
    with committed_world(url) as world, receiving(lambda path, body: slow) as receiver:
        paths = [f"/hook/{n}" for n in range(ENDPOINTS)]
        for path in paths:
            add_endpoint(world.api, receiver.url(path))
        for i in range(EVENTS):
            response = world.api.post("/signups", json=mobile_signup(person=owner(40_000_000 + i)))
            assert response.status_code == 200, response.text
        workers = [
            worker_process(url, name, lease=30.0, batch=10, per_pass=1) for name in ("w1", "w2")
        ]
        try:
            deadline = time.monotonic() + 120
            while len(receiver.received) < ENDPOINTS * EVENTS:
                assert time.monotonic() < deadline, f"{len(receiver.received)} delivered"
                assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
                time.sleep(0.05)
        finally:
            for process in workers:
                process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=60)[0] for process in workers]
        sent = [int(out.strip().splitlines()[-1].split()[1]) for out in outputs]
        assert sum(sent) == ENDPOINTS * EVENTS  # no attempt failed, none was made twice
        assert all(count > 0 for count in sent), sent  # both workers delivered
        assert receiver.max_in_flight == {path: 1 for path in paths}
        for path in paths:
            ids = [event["id"] for event in receiver.events(path)]
            assert ids == sorted(ids)
            assert len(ids) == len(set(ids)) == EVENTS
