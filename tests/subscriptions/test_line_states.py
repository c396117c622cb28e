"""Lines held by risk or ended can be read but not changed (``SubscriptionNotLive``, 0060)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.states import SubscriptionStatus
from tests.bodies import mobile_signup
from tests.catalogue_fixture import BONUS_3GB, sim_iccid
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import MOBILE_40GB, line, mobile
from tests.subscriptions.test_devices import sale

pytestmark = pytest.mark.usefixtures("catalogue")

CHANGES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("PATCH", "products", {"productId": MOBILE_40GB}),
    ("PUT", "bonuses", {"bonusId": BONUS_3GB}),
    ("PATCH", "blocks/1", {"active": True}),
    ("PATCH", "services/2", {"active": False}),
    ("PATCH", "sim-replacement", {"dealer_id": "D1", "logistic": False, "new_icc": sim_iccid(9)}),
    ("POST", "devices", sale()),
]


def held_line(api: ApiCaller) -> int:
    response = api.post("/signups", json=mobile_signup(scoring={"scoring_value": 300}))
    assert response.status_code == 202, response.text
    return int(response.json()["account_info"]["subscriptions"][0]["subscription_id"])


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_held_line_is_read_only(
    api: ApiCaller, session: Session, method: str, path: str, body: dict[str, Any] | None
) -> None:
    subscription_id = held_line(api)
    assert api.get(f"/subscriptions/{subscription_id}").json()["subscription_status"] == {
        "id": 5,
        "value": "PENDIENTE RIESGO",
    }
    before = row_counts(session)
    response = api.request(method, f"/subscriptions/{subscription_id}/{path}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "0060"
    assert row_counts(session) == before


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_ended_line_is_read_only(
    api: ApiCaller, session: Session, method: str, path: str, body: dict[str, Any] | None
) -> None:
    subscription_id = mobile(api, sim=1)
    assert api.put(f"/subscriptions/{subscription_id}/bonuses", json={"bonusId": BONUS_3GB})
    subscriptions_service.move_status(
        session,
        subscription=line(session, subscription_id),
        target=SubscriptionStatus.BAJA,
        actor="test",
        now=datetime.now(UTC),
    )
    session.commit()
    detail = api.get(f"/subscriptions/{subscription_id}").json()
    assert detail["subscription_status"]["value"] == "BAJA"
    assert detail["end_date"].endswith("Z")
    before = row_counts(session)
    response = api.request(method, f"/subscriptions/{subscription_id}/{path}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "0060"
    assert row_counts(session) == before
