"""The failing-webhook queue: an endpoint whose receiver is down is listed first with its failed
attempt; "Send again" and "Enable" do what the API's redelivery and PATCH do; a read-only agent
can do neither."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.console.roles import StaffRole
from mascustomers.events.delivery import DeliveryWorker, WorkerConfig
from mascustomers.kit.clock import FrozenClock
from tests.bodies import mobile_signup, owner
from tests.console.support import Console, make_staff, signed_in
from tests.events.receiver import receiving
from tests.factories import ApiCaller
from tests.live_server import free_port

pytestmark = pytest.mark.usefixtures("catalogue")


def _add_endpoint(api: ApiCaller, url: str) -> int:
    answer = api.post("/ops/webhooks", json={"url": url, "event_types": ["signup.*"]})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _deliveries(api: ApiCaller, endpoint_id: int) -> list[dict[str, Any]]:
    answer = api.get(f"/ops/webhooks/{endpoint_id}/deliveries")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["deliveries"])


def _worker(connection: Connection, clock: FrozenClock) -> DeliveryWorker:
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return DeliveryWorker(factory, config=WorkerConfig(threads=1), clock=clock.now)


def _row_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-testid="endpoint-(\d+)"', html)]


def test_a_failing_endpoint_is_listed_first_and_its_event_sent_again(
    admin: Console, api: ApiCaller, connection: Connection
) -> None:
    with receiving() as healthy:
        healthy_id = _add_endpoint(api, healthy.url())
        port = free_port()  # nothing listens there yet
        down_id = _add_endpoint(api, f"http://127.0.0.1:{port}/hook")
        assert api.post("/signups", json=mobile_signup(person=owner())).status_code == 200
        clock = FrozenClock(datetime(2027, 5, 3, 9, 0, tzinfo=UTC))
        worker = _worker(connection, clock)
        try:
            worker.run_until_idle()
            queue = admin.get("/console/queues/webhooks")
            assert queue.status_code == 200, queue.text
            assert _row_ids(queue.text) == [down_id, healthy_id]
            assert f'<tr data-testid="endpoint-{down_id}" class="trouble">' in queue.text

            [failed] = _deliveries(api, down_id)
            page = admin.get(f"/console/queues/webhooks/{down_id}")
            last = re.search(rf'data-testid="delivery-last-{failed["id"]}">([^<]*)<', page.text)
            assert last is not None
            assert "ConnectionRefusedError" in last.group(1)

            with receiving(port=port) as back:
                sent = admin.post(
                    f"/console/queues/webhooks/{down_id}/redeliver",
                    {"event_id": str(failed["event_id"])},
                )
                assert sent.status_code == 303, sent.text
                again = [d for d in _deliveries(api, down_id) if d["manual"]]
                assert [d["event_id"] for d in again] == [failed["event_id"]]
                worker.run_until_idle()
                received = [event["id"] for event in back.events()]
                # The first delivery is tried again too (the queue goes in order): both are it.
                assert received
                assert set(received) == {failed["event_id"]}
            manual = [d for d in _deliveries(api, down_id) if d["manual"]]
            assert manual[0]["status"] == "DELIVERED"
        finally:
            worker.close()


def test_enable_is_the_apis_patch_and_an_agent_can_do_nothing(
    admin: Console, api: ApiCaller, client: TestClient, session: Session, org_slug: str
) -> None:
    endpoint_id = _add_endpoint(api, "http://127.0.0.1:9/hook")
    assert api.patch(f"/ops/webhooks/{endpoint_id}", json={"enabled": False}).status_code == 200
    page = admin.get(f"/console/queues/webhooks/{endpoint_id}")
    assert 'data-testid="endpoint-status">DISABLED<' in page.text

    make_staff(session, org_slug=org_slug, username="carla", role=StaffRole.AGENT)
    agent = signed_in(client, org=org_slug, username="carla")
    assert 'data-testid="enable"' not in agent.get(f"/console/queues/webhooks/{endpoint_id}").text
    refused = agent.post(f"/console/queues/webhooks/{endpoint_id}/enable")
    assert refused.status_code == 403
    assert api.get(f"/ops/webhooks/{endpoint_id}").json()["status"] == "DISABLED"

    boss = signed_in(client, org=org_slug, username="ana")
    enabled = boss.post(f"/console/queues/webhooks/{endpoint_id}/enable")
    assert enabled.status_code == 303, enabled.text
    assert api.get(f"/ops/webhooks/{endpoint_id}").json()["status"] == "ENABLED"


def test_another_orgs_endpoint_is_not_found(admin: Console, session: Session) -> None:
    assert admin.get("/console/queues/webhooks/999999").status_code == 404
