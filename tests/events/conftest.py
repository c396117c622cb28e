"""Event and webhook fixtures: a local receiver, a delivery worker on the test's transaction."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import sessionmaker

from mascustomers.events.delivery import DeliveryWorker, WorkerConfig
from tests.events.receiver import Receiver, receiving
from tests.factories import ApiCaller

MakeWorker = Callable[..., DeliveryWorker]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


@pytest.fixture
def make_worker(connection: Connection) -> Iterator[MakeWorker]:
    """Delivery workers whose sessions join the test's transaction (one thread: one connection)."""
    made: list[DeliveryWorker] = []

    def make(**kwargs: Any) -> DeliveryWorker:
        factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        config = kwargs.pop("config", WorkerConfig(threads=1))
        worker = DeliveryWorker(factory, config=config, **kwargs)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.close()


def add_endpoint(api: ApiCaller, url: str, types: list[str] | None = None) -> dict[str, Any]:
    response = api.post("/ops/webhooks", json={"url": url, "event_types": types or ["*"]})
    assert response.status_code == 201, response.text
    return dict(response.json())


def event_types(api: ApiCaller, **params: Any) -> list[str]:
    response = api.get("/ops/events", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [event["type"] for event in response.json()["events"]]
