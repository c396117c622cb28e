"""Rolling a webhook endpoint's secret (``POST ops/webhooks/{id}/secret``, ``webhooks
roll-secret``): the new secret is shown once; the old one signs beside it, as a second ``v1``,
for ``expires_in_hours``, then only the new one does. The worker's clock is injected to step
past the window."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mascustomers.auth.permissions import Permission
from mascustomers.cli.main import app
from mascustomers.events.delivery import WorkerConfig
from mascustomers.events.signature import SignatureError, verify
from mascustomers.kit.clock import FrozenClock
from mascustomers.models import WebhookEndpoint
from tests.bodies import mobile_signup, owner
from tests.databases import fresh_database_url
from tests.events.conftest import MakeWorker, add_endpoint
from tests.events.receiver import Received, Receiver, Reply, receiving
from tests.events.world import committed_world
from tests.factories import ApiCaller, make_key, make_org

runner = CliRunner()


def signup(api: ApiCaller, number: int) -> None:
    assert api.post("/signups", json=mobile_signup(person=owner(number))).status_code == 200


def roll(api: ApiCaller, endpoint_id: int, **body: Any) -> dict[str, Any]:
    sent = {"json": body} if body else {}
    response = api.post(f"/ops/webhooks/{endpoint_id}/secret", **sent)
    assert response.status_code == 200, response.text
    return dict(response.json())


def parsed(got: Received) -> tuple[int, list[str]]:
    """The delivery's timestamp and its ``v1`` signatures, in the order sent."""
    items = [item.partition("=") for item in got.headers["mascustomers-signature"].split(",")]
    [timestamp] = [int(value) for key, _, value in items if key == "t"]
    return timestamp, [value for key, _, value in items if key == "v1"]


def mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def accepted(got: Received, secret: str) -> bool:
    timestamp, _ = parsed(got)
    try:
        verify(got.body, got.headers["mascustomers-signature"], secret, now=timestamp)
    except SignatureError:
        return False
    return True


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


pytestmark = pytest.mark.usefixtures("catalogue")


def test_the_new_secret_is_shown_once_and_never_again(api: ApiCaller) -> None:
    created = add_endpoint(api, "https://example.com/hooks")
    before = datetime.now(UTC)
    rolled = roll(api, created["id"])
    after = datetime.now(UTC)
    assert rolled["secret"].startswith("whsec_")
    assert rolled["secret"] != created["secret"]
    assert set(rolled) == set(created)  # the creation's shape: the endpoint and `secret`
    # No body: the old secret signs for 24 hours more.
    expires = stamp(rolled["previous_secret_expires"])
    window = timedelta(hours=24)
    assert before.replace(microsecond=0) + window <= expires <= after + window
    assert created["previous_secret_expires"] is None
    url = f"/ops/webhooks/{created['id']}"
    shown = api.get(url).json()
    assert "secret" not in shown
    assert shown == {k: v for k, v in rolled.items() if k != "secret"}
    assert api.get("/ops/webhooks").json()["webhooks"] == [shown]
    for text in (api.get(url).text, api.get("/ops/webhooks").text, api.get("/ops/events").text):
        assert rolled["secret"] not in text
        assert created["secret"] not in text
    again = roll(api, created["id"], expires_in_hours=168)
    assert again["secret"] not in (rolled["secret"], created["secret"])
    assert stamp(again["previous_secret_expires"]) >= after + timedelta(hours=168, seconds=-1)


def test_during_the_window_a_delivery_carries_both_signatures_new_first(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    created = add_endpoint(api, receiver.url())
    rolled = roll(api, created["id"], expires_in_hours=2)
    signup(api, 61000001)
    make_worker().run_until_idle()
    [got] = receiver.received
    timestamp, signatures = parsed(got)
    assert signatures == [
        mac(rolled["secret"], timestamp, got.body),
        mac(created["secret"], timestamp, got.body),
    ]
    assert accepted(got, rolled["secret"])
    assert accepted(got, created["secret"])
    assert not accepted(got, "whsec_someone_elses")
    assert verify(got.body, got.headers["mascustomers-signature"], rolled["secret"])["id"]


def test_after_the_window_only_the_new_secret_signs(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    created = add_endpoint(api, receiver.url())
    rolled = roll(api, created["id"], expires_in_hours=1)
    expires = stamp(rolled["previous_secret_expires"])
    clock = FrozenClock(expires - timedelta(minutes=1))
    # A lease long enough for one round to send both events, the window ending in between.
    worker = make_worker(clock=clock.now, config=WorkerConfig(threads=1, lease_seconds=3600))

    def answer(path: str, body: bytes) -> Reply:
        clock.set(expires + timedelta(seconds=1))
        return Reply()

    receiver.answer = answer
    signup(api, 61000002)
    signup(api, 61000003)
    worker.run_until_idle()
    signup(api, 61000004)
    worker.run_until_idle()
    last_minute, past, later = receiver.received
    assert len({got.event["id"] for got in receiver.received}) == 3
    for got, secrets in (
        (last_minute, [rolled["secret"], created["secret"]]),
        (past, [rolled["secret"]]),
        (later, [rolled["secret"]]),
    ):
        timestamp, signatures = parsed(got)
        assert signatures == [mac(secret, timestamp, got.body) for secret in secrets]
    assert accepted(past, rolled["secret"])
    assert not accepted(past, created["secret"])
    # Past its time the old secret is forgotten, and the endpoint says only one signs.
    shown = api.get(f"/ops/webhooks/{created['id']}").json()
    assert shown["previous_secret_expires"] is None


def test_zero_hours_drops_the_old_secret_at_once(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    created = add_endpoint(api, receiver.url())
    first = roll(api, created["id"])  # the creation's secret signs for 24 hours…
    rolled = roll(api, created["id"], expires_in_hours=0)  # …until this roll: none but the new
    assert rolled["previous_secret_expires"] is None
    signup(api, 61000004)
    make_worker().run_until_idle()
    [got] = receiver.received
    timestamp, signatures = parsed(got)
    assert signatures == [mac(rolled["secret"], timestamp, got.body)]
    assert accepted(got, rolled["secret"])
    assert not accepted(got, first["secret"])
    assert not accepted(got, created["secret"])


def test_rolling_again_within_the_window_keeps_only_the_last_old_secret(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    created = add_endpoint(api, receiver.url())
    first = roll(api, created["id"], expires_in_hours=5)
    second = roll(api, created["id"], expires_in_hours=5)
    signup(api, 61000005)
    make_worker().run_until_idle()
    [got] = receiver.received
    timestamp, signatures = parsed(got)
    assert signatures == [
        mac(second["secret"], timestamp, got.body),
        mac(first["secret"], timestamp, got.body),
    ]
    assert not accepted(got, created["secret"])


@pytest.mark.parametrize(
    "body",
    [
        {"expires_in_hours": -1},
        {"expires_in_hours": 169},
        {"expires_in_hours": "24"},
        {"expires_in_hours": "soon"},
        {"expires_in_hours": 1.5},
        {"expires_in_hours": True},
        {"expires_in_hours": None},
        {"hours": 1},
        [],
        None,
    ],
)
def test_bad_bodies_are_400_and_change_nothing(api: ApiCaller, session: Session, body: Any) -> None:
    created = add_endpoint(api, "https://example.com/hooks")
    response = api.post(
        f"/ops/webhooks/{created['id']}/secret",
        content=json.dumps(body),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    error = response.json()
    assert set(error) == {"code", "status", "message", "detailMsg"}
    assert (error["code"], error["status"]) == ("0001", "BAD_REQUEST")
    stored = session.scalar(
        select(WebhookEndpoint.secret)
        .where(WebhookEndpoint.id == created["id"])
        .execution_options(populate_existing=True)
    )
    assert stored == created["secret"]
    assert api.get(f"/ops/webhooks/{created['id']}").json()["previous_secret_expires"] is None


def test_another_orgs_endpoint_is_404_and_keeps_its_secret(
    api: ApiCaller, session: Session
) -> None:
    created = add_endpoint(api, "https://example.com/hooks")
    make_org(session, slug="other")
    other = ApiCaller(api.client, make_key(session, org_slug="other"), "other")
    for body in ({}, {"json": {"expires_in_hours": 0}}):
        response = other.post(f"/ops/webhooks/{created['id']}/secret", **body)
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "0005"
    assert api.post("/ops/webhooks/999999/secret").json()["code"] == "0005"
    stored = session.scalar(
        select(WebhookEndpoint.secret).where(WebhookEndpoint.id == created["id"])
    )
    assert stored == created["secret"]


def test_the_webhook_permission_is_needed(api: ApiCaller, session: Session) -> None:
    created = add_endpoint(api, "https://example.com/hooks")
    without = frozenset(Permission) - {Permission.EVENTS}
    other = ApiCaller(api.client, make_key(session, permissions=without, name="no-events"), "telco")
    response = other.post(f"/ops/webhooks/{created['id']}/secret")
    assert response.status_code == 403, response.text


def cli(*args: str) -> str:
    result = runner.invoke(app, ["webhooks", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_roll_secret_command(
    tmp_path: Path, worker_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh_database_url(f"evt_roll_{worker_id}", tmp_path)
    with committed_world(url) as world, receiving() as receiver:
        monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
        created = cli("create", "--org", "telco", "--url", receiver.url())
        endpoint_id = created.split("\t")[0]
        old = created.strip().splitlines()[1].removeprefix("secret: ")

        rolled = cli("roll-secret", endpoint_id, "--org", "telco")
        line, secret_line, window = rolled.strip().splitlines()
        assert line.split("\t")[:2] == [endpoint_id, "ENABLED"]
        new = secret_line.removeprefix("secret: ")
        assert new.startswith("whsec_")
        assert new != old
        assert window.startswith("the old secret also signs until ")
        shown = world.api.get(f"/ops/webhooks/{endpoint_id}").json()
        assert window.endswith(shown["previous_secret_expires"])
        assert new not in cli("list", "--org", "telco")

        assert world.api.post("/signups", json=mobile_signup()).status_code == 200
        cli("deliver")
        [got] = receiver.received
        timestamp, signatures = parsed(got)
        assert signatures == [mac(new, timestamp, got.body), mac(old, timestamp, got.body)]

        dropped = cli("roll-secret", endpoint_id, "--org", "telco", "--expires-in-hours", "0")
        newest = dropped.strip().splitlines()[1].removeprefix("secret: ")
        assert dropped.strip().splitlines()[2] == "the old secret signs nothing any more"
        event_id = str(got.event["id"])
        cli("redeliver", endpoint_id, "--org", "telco", "--event", event_id)
        cli("deliver")
        again = receiver.received[-1]
        timestamp, signatures = parsed(again)
        assert signatures == [mac(newest, timestamp, again.body)]

        too_long = runner.invoke(
            app,
            [
                "webhooks",
                "roll-secret",
                endpoint_id,
                "--org",
                "telco",
                "--expires-in-hours",
                "169",
            ],
        )
        assert too_long.exit_code != 0
        assert "expires_in_hours" in too_long.output
        missing = runner.invoke(app, ["webhooks", "roll-secret", "999999", "--org", "telco"])
        assert missing.exit_code == 1
        assert "webhook endpoint 999999 not found" in missing.output
