"""GET and PATCH subscriptions/{id}/services (deprecated, still served)."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import SubscriptionServiceChange
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import mobile

pytestmark = pytest.mark.usefixtures("catalogue")


def test_services_listed_in_the_reference_shape(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    response = api.get(f"/subscriptions/{subscription_id}/services")
    assert response.status_code == 200
    assert response.headers["deprecation"] == "true"
    body = response.json()
    assert body["subscription_id"] == subscription_id
    assert [(i["id"], i["value"], i["changeable"], i["active"]) for i in body["items"]] == [
        (1, "VOZ", False, True),
        (2, "DATOS", True, True),
        (3, "ROAMING", True, True),
    ]
    assert list(body["items"][0]) == ["id", "value", "changeable", "date_last_modified", "active"]


def test_switch_off_and_on_with_history(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/services"
    off = api.patch(f"{url}/3", json={"active": False})
    assert off.status_code == 201, off.text
    assert off.content == b""
    inactive = api.get(f"{url}?filter=inactive").json()["items"]
    assert [i["id"] for i in inactive] == [3]
    assert [i["id"] for i in api.get(f"{url}?filter=active").json()["items"]] == [1, 2]
    again = api.patch(f"{url}/3", json={"active": False})  # no change, no history row
    assert again.status_code == 201
    assert api.patch(f"{url}/3", json={"active": True}).status_code == 201
    changes = session.scalars(
        select(SubscriptionServiceChange).where(
            SubscriptionServiceChange.subscription_id == subscription_id
        )
    ).all()
    assert [(c.service_id, c.active, c.modified_by) for c in changes] == [
        (3, False, "test-key"),
        (3, True, "test-key"),
    ]


@pytest.mark.parametrize(
    ("service", "body", "status", "code"),
    [
        (1, {"active": False}, 400, "0064"),  # VOZ is not changeable
        (99, {"active": False}, 404, "0005"),  # not a service of the line
        (2, {}, 400, "0001"),
        (2, {"active": "maybe"}, 400, "0001"),
    ],
)
def test_refusals_write_nothing(
    api: ApiCaller, session: Session, service: int, body: dict[str, object], status: int, code: str
) -> None:
    subscription_id = mobile(api)
    before = row_counts(session)
    response = api.patch(f"/subscriptions/{subscription_id}/services/{service}", json=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert row_counts(session) == before


def test_bad_filter_is_400(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    assert api.get(f"/subscriptions/{subscription_id}/services?filter=all").status_code == 400
