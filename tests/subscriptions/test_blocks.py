"""GET and PATCH subscriptions/{id}/blocks: theft and loss blocks, their history and refusals."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import SubscriptionBlock
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import convergent, line, mobile

pytestmark = pytest.mark.usefixtures("catalogue")


def test_block_and_unblock(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    url = f"/subscriptions/{subscription_id}/blocks"
    assert api.get(url).json() == {"subscription_id": subscription_id, "items": []}
    response = api.patch(f"{url}/1", json={"active": True, "reason": "Se lo han robado"})
    assert response.status_code == 201, response.text
    listed = api.get(url)
    assert listed.headers["deprecation"] == "true"
    [item] = listed.json()["items"]
    assert item["id"] == 1
    assert item["value"] == "ROBO"
    assert item["description"] == "Se lo han robado"
    assert item["date_last_modified"].endswith("Z")
    assert api.patch(f"{url}/1", json={"active": True}).status_code == 201  # already: no change
    assert api.patch(f"{url}/2", json={"active": True, "reason": "Perdido"}).status_code == 201
    assert [i["value"] for i in api.get(url).json()["items"]] == ["ROBO", "PERDIDA"]
    assert api.patch(f"{url}/1", json={"active": False}).status_code == 201
    assert [i["value"] for i in api.get(url).json()["items"]] == ["PERDIDA"]
    assert line(session, subscription_id).status_id == 9  # BLOQUEADO while PERDIDA is in force
    assert api.patch(f"{url}/2", json={"active": False}).status_code == 201
    assert line(session, subscription_id).status_id == 3  # ACTIVO again
    history = api.get(f"/subscriptions/{subscription_id}?include=historical_status").json()
    assert [c["subscription_status"]["value"] for c in history["historical_status"]] == [
        "ACTIVO",
        "BLOQUEADO",
        "ACTIVO",
    ]
    rows = session.scalars(
        select(SubscriptionBlock)
        .where(SubscriptionBlock.subscription_id == subscription_id)
        .order_by(SubscriptionBlock.id)
    ).all()
    assert [(r.block_id, r.end_at is None) for r in rows] == [(1, False), (2, False)]


@pytest.mark.parametrize(
    ("block", "body"),
    [
        ("3", {"active": True}),
        ("0", {"active": True}),
        ("x", {"active": True}),
        ("1", {"reason": "no active flag"}),
        ("1", {"active": True, "reason": "x" * 201}),
    ],
)
def test_refusals_write_nothing(
    api: ApiCaller, session: Session, block: str, body: dict[str, object]
) -> None:
    subscription_id = mobile(api)
    before = row_counts(session)
    response = api.patch(f"/subscriptions/{subscription_id}/blocks/{block}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "0001"
    assert row_counts(session) == before


def test_only_mobile_lines_are_blocked(api: ApiCaller, session: Session) -> None:
    lines = convergent(api)
    before = row_counts(session)
    response = api.patch(f"/subscriptions/{lines['ftth']}/blocks/1", json={"active": True})
    assert response.status_code == 400
    assert response.json()["code"] == "0066"
    assert row_counts(session) == before


def test_unknown_line_is_404(api: ApiCaller) -> None:
    assert api.patch("/subscriptions/987654/blocks/1", json={"active": True}).status_code == 404
    assert api.get("/subscriptions/987654/blocks").status_code == 404
