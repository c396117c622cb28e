"""Console fixtures: an org with the test catalogue, a signed-up customer, staff users."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mascustomers.console.roles import StaffRole
from tests.bodies import mobile_signup, owner
from tests.console.support import Console, make_staff, signed_in
from tests.factories import ApiCaller


@pytest.fixture(autouse=True)
def _fresh_throttle(client: TestClient) -> None:
    """The sign-in throttle is per process: tests start with none counted."""
    client.app.state.console_throttle.clear()  # type: ignore[attr-defined]


@pytest.fixture
def admin(client: TestClient, session: Session, org_slug: str) -> Console:
    make_staff(session, org_slug=org_slug, username="ana", role=StaffRole.ADMIN)
    return signed_in(client, org=org_slug, username="ana")


def sign_up(api: ApiCaller, **person: Any) -> dict[str, Any]:
    """A postpaid mobile customer; its ids as the tree reads them."""
    body = mobile_signup(person=owner(**person))
    answer = api.post("/signups", json=body)
    assert answer.status_code == 200, answer.text
    tree = api.get("/users/tree", params={"email": body["clients"]["attributes"][0]["email"]})
    assert tree.status_code == 200, tree.text
    found = tree.json()
    account = found["accounts"][0]
    line = account["subscriptions"][0]
    return {
        "customer_id": found["customer_id"],
        "account_id": account["id"],
        "subscription_id": line["id"],
        "number": str(line["identification_nr"]),
        "email": body["clients"]["attributes"][0]["email"],
    }
