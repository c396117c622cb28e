"""Webhook endpoints through ops/webhooks: create (secret once), validate, change, delete; the
delivery log; manual redelivery; what an endpoint gets; payloads without keys or secrets."""

from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.events.signature import verify
from tests.bodies import mobile_signup, owner
from tests.events.conftest import MakeWorker, add_endpoint
from tests.events.receiver import Receiver
from tests.factories import ApiCaller, make_key, make_org

pytestmark = pytest.mark.usefixtures("catalogue")


def signup(api: ApiCaller, number: int) -> None:
    assert api.post("/signups", json=mobile_signup(person=owner(number))).status_code == 200


def test_create_shows_the_secret_once(api: ApiCaller) -> None:
    created = add_endpoint(api, "https://example.com/hooks?x=1", ["signup.*", "invoice.paid"])
    assert created["secret"].startswith("whsec_")
    assert created["status"] == "ENABLED"
    assert created["event_types"] == ["signup.*", "invoice.paid"]
    shown = api.get(f"/ops/webhooks/{created['id']}").json()
    assert "secret" not in shown
    assert shown == {k: v for k, v in created.items() if k != "secret"}
    listed = api.get("/ops/webhooks").json()["webhooks"]
    assert listed == [shown]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "example.com/hooks",
        "https://user:pw@example.com/hooks",
        "https://user@example.com/hooks",
        "https:///nohost",
        "https://example.com/a b",
        "https://example.com/x#frag",
        "https://example.com:99999/x",
        "javascript:alert(1)",
    ],
)
def test_urls_are_validated(api: ApiCaller, url: str) -> None:
    response = api.post("/ops/webhooks", json={"url": url, "event_types": ["*"]})
    assert (response.status_code, response.json()["code"]) == (400, "0130"), url


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "https://e.com", "event_types": ["signup.nope"]}, "0131"),
        ({"url": "https://e.com", "event_types": ["nope.*"]}, "0131"),
        ({"url": "https://e.com", "event_types": []}, "0001"),
        ({"url": "https://e.com"}, "0001"),
        ({"url": "https://e.com", "event_types": ["*"], "secret": "mine"}, "0001"),
    ],
)
def test_bad_bodies_are_400(api: ApiCaller, body: dict[str, Any], code: str) -> None:
    response = api.post("/ops/webhooks", json=body)
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_change_disable_enable_delete(api: ApiCaller) -> None:
    created = add_endpoint(api, "https://example.com/a")
    url = f"/ops/webhooks/{created['id']}"
    changed = api.patch(url, json={"url": "https://example.com/b", "description": "orders"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["url"], changed.json()["description"]) == (
        "https://example.com/b",
        "orders",
    )
    bad = api.patch(url, json={"url": "https://a:b@example.com/"})
    assert (bad.status_code, bad.json()["code"]) == (400, "0130")
    disabled = api.patch(url, json={"enabled": False}).json()
    assert disabled["status"] == "DISABLED"
    assert disabled["disabled_date"] is not None
    enabled = api.patch(url, json={"enabled": True}).json()
    assert (enabled["status"], enabled["disabled_date"]) == ("ENABLED", None)
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404


def test_another_orgs_endpoint_is_404(api: ApiCaller, session: Session) -> None:
    created = add_endpoint(api, "https://example.com/a")
    make_org(session, slug="other")
    other = ApiCaller(api.client, make_key(session, org_slug="other"), "other")
    for method in ("GET", "PATCH", "DELETE"):
        body = {"json": {"description": "x"}} if method == "PATCH" else {}
        response = other.request(method, f"/ops/webhooks/{created['id']}", **body)
        assert response.status_code == 404, method
    assert other.get("/ops/webhooks").json()["webhooks"] == []


def test_an_endpoint_gets_the_types_it_wants_from_its_creation_on(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    signup(api, 60000001)  # before any endpoint: nobody gets it
    everything = add_endpoint(api, receiver.url("/all"))
    invoices = add_endpoint(api, receiver.url("/invoices"), ["invoice.*"])
    signups = add_endpoint(api, receiver.url("/signups"), ["signup.accepted"])
    signup(api, 60000002)
    make_worker().run_until_idle()
    [seen] = receiver.events("/all")
    assert seen["type"] == "signup.accepted"
    assert receiver.events("/invoices") == []
    assert receiver.events("/signups") == [seen]
    first = api.get("/ops/events").json()["events"][0]
    assert first["id"] < seen["id"]  # the event from before the endpoints went nowhere
    _ = (everything, invoices, signups)


def test_delivery_log_and_manual_redelivery(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    created = add_endpoint(api, receiver.url())
    signup(api, 60000003)
    worker = make_worker()
    worker.run_until_idle()
    log = api.get(f"/ops/webhooks/{created['id']}/deliveries").json()
    [delivery] = log["deliveries"]
    assert (delivery["status"], delivery["attempts"], delivery["manual"]) == (
        "DELIVERED",
        1,
        False,
    )
    [attempt] = delivery["log"]
    assert (attempt["succeeded"], attempt["status_code"], attempt["response_excerpt"]) == (
        True,
        200,
        "ok",
    )
    assert attempt["latency_ms"] >= 0
    event_id = delivery["event_id"]
    again = api.post(f"/ops/webhooks/{created['id']}/deliveries", json={"event_id": event_id})
    assert again.status_code == 202, again.text
    assert (again.json()["status"], again.json()["manual"]) == ("PENDING", True)
    worker.run_until_idle()
    assert [e["id"] for e in receiver.events()] == [event_id, event_id]
    first, second = receiver.received
    assert first.headers["mascustomers-event-id"] == second.headers["mascustomers-event-id"]
    assert first.headers["mascustomers-delivery-id"] != second.headers["mascustomers-delivery-id"]
    pending = api.get(f"/ops/webhooks/{created['id']}/deliveries", params={"status": "PENDING"})
    assert pending.json()["deliveries"] == []
    paged = api.get(f"/ops/webhooks/{created['id']}/deliveries", params={"limit": 1}).json()
    assert paged["has_more"] is True
    rest = api.get(
        f"/ops/webhooks/{created['id']}/deliveries", params={"cursor": paged["next_cursor"]}
    ).json()
    assert len(rest["deliveries"]) == 1
    assert rest["deliveries"][0]["id"] < paged["deliveries"][0]["id"]
    missing = api.post(f"/ops/webhooks/{created['id']}/deliveries", json={"event_id": 999999})
    assert missing.status_code == 404


def test_payloads_carry_no_api_key_and_no_secret(
    api: ApiCaller, receiver: Receiver, make_worker: MakeWorker
) -> None:
    created = add_endpoint(api, receiver.url())
    watcher = add_endpoint(api, receiver.url("/watch"))
    signup(api, 60000004)
    api.patch(f"/ops/webhooks/{created['id']}", json={"enabled": False})
    make_worker().run_until_idle()
    bodies = [r.body for r in receiver.received]
    assert bodies
    for body in bodies:
        for secret in (api.key, created["secret"], watcher["secret"]):
            assert secret.encode() not in body
    listed = api.get("/ops/events").text
    assert api.key not in listed
    assert created["secret"] not in listed
    got = receiver.received[0]
    verify(got.body, got.headers["mascustomers-signature"], watcher["secret"])
