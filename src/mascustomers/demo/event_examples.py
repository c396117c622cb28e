"""Working examples of the events API and the webhook endpoints (permission ``events``).

The demo org has one webhook endpoint, created disabled (``demo.sandbox.webhook_endpoint``):
nothing is sent until someone points it at a URL they serve and enables it.
"""

from mascustomers.demo.examples import Registry, WorkingExample
from mascustomers.demo.world import DemoWorld
from mascustomers.events import webhooks
from mascustomers.outbox import repository

example = Registry()
OPS = "/ops"


def _event_id(world: DemoWorld) -> int | None:
    return repository.latest_event_id(world.session, org_id=world.org.id)


def _endpoint_id(world: DemoWorld) -> int | None:
    found = webhooks.list_endpoints(world.session, org_id=world.org.id)
    return found[0].id if found else None


@example("GET", f"{OPS}/events")
def _events(world: DemoWorld) -> WorkingExample:
    return WorkingExample("The org's orders, oldest first", query={"type": "signup.*", "limit": 10})


@example("GET", f"{OPS}/events/{{eventId}}")
def _event(world: DemoWorld) -> WorkingExample | None:
    event_id = _event_id(world)
    if event_id is None:
        return None
    return WorkingExample("The org's latest event", path={"eventId": event_id})


@example("GET", f"{OPS}/webhooks")
def _endpoints(world: DemoWorld) -> WorkingExample:
    return WorkingExample("The org's webhook endpoints")


@example("POST", f"{OPS}/webhooks")
def _create(world: DemoWorld) -> WorkingExample:
    return WorkingExample(
        "An endpoint for orders and activations, created disabled: enable it (PATCH) once "
        "its URL is one you serve",
        body={
            "url": "https://example.com/webhooks/mascustomers",
            "event_types": ["signup.*", "subscription.activated"],
            "description": "Orders and activations",
            "enabled": False,
        },
    )


def _demo_endpoint(world: DemoWorld, summary: str, **extra: object) -> WorkingExample | None:
    endpoint_id = _endpoint_id(world)
    if endpoint_id is None:
        return None
    return WorkingExample(summary, path={"endpointId": endpoint_id}, **extra)  # type: ignore[arg-type]


@example("GET", f"{OPS}/webhooks/{{endpointId}}")
def _endpoint(world: DemoWorld) -> WorkingExample | None:
    return _demo_endpoint(world, "The demo's endpoint (disabled)")


@example("PATCH", f"{OPS}/webhooks/{{endpointId}}")
def _update(world: DemoWorld) -> WorkingExample | None:
    return _demo_endpoint(
        world,
        "Describe the demo's endpoint; send url and enabled: true to receive its events",
        body={"description": "Demo endpoint: every event"},
    )


@example("POST", f"{OPS}/webhooks/{{endpointId}}/secret")
def _roll_secret(world: DemoWorld) -> WorkingExample | None:
    return _demo_endpoint(
        world,
        "A new secret for the demo's endpoint; the old one still signs for an hour",
        body={"expires_in_hours": 1},
    )


@example("DELETE", f"{OPS}/webhooks/{{endpointId}}")
def _delete(world: DemoWorld) -> WorkingExample | None:
    return _demo_endpoint(world, "Delete the demo's endpoint with its deliveries")


@example("GET", f"{OPS}/webhooks/{{endpointId}}/deliveries")
def _deliveries(world: DemoWorld) -> WorkingExample | None:
    return _demo_endpoint(world, "The demo endpoint's deliveries", query={"limit": 10})


@example("POST", f"{OPS}/webhooks/{{endpointId}}/deliveries")
def _redeliver(world: DemoWorld) -> WorkingExample | None:
    event_id = _event_id(world)
    if event_id is None:
        return None
    return _demo_endpoint(
        world,
        "Queue the latest event for the demo's endpoint (sent once it is enabled)",
        body={"event_id": event_id},
    )
