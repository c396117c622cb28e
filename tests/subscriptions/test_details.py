"""GET subscriptions/{id}: the reference's shape, include-gated fields, 404 and 400."""

import json

import pytest
from sqlalchemy.orm import Session

from mascustomers.auth.permissions import Permission
from tests.catalogue_fixture import sim_iccid
from tests.factories import ApiCaller, make_key
from tests.subscriptions.conftest import convergent, mobile

pytestmark = pytest.mark.usefixtures("catalogue")

ALWAYS = [
    "id",
    "subscription_status",
    "activated_date",
    "end_date",
    "subscription_type",
    "dealer_id",
    "shop_id",
    "path",
    "filename",
    "identification_nr",
    "imsi",
    "iccid",
]


def test_subscription_in_the_reference_shape(api: ApiCaller) -> None:
    subscription_id = mobile(api, msisdn="600000021", sim=4)
    response = api.get(f"/subscriptions/{subscription_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ALWAYS
    assert body["id"] == subscription_id
    assert body["subscription_status"] == {"id": 3, "value": "ACTIVO"}
    assert body["subscription_type"] == {"id": 2, "value": "POST-PAGO"}
    assert body["identification_nr"] == 600000021
    assert isinstance(body["imsi"], int)
    assert body["iccid"] == sim_iccid(4)
    assert body["activated_date"].endswith("Z")
    assert body["end_date"] is None
    assert body["dealer_id"] == "D001"
    assert body["filename"].endswith(".pdf")


@pytest.mark.parametrize(
    "query",
    [
        "?include=origin,selldate,historical_status",
        "?include=origin&include=selldate&include=historical_status",
        "?query=" + json.dumps({"include": ["origin", "selldate", "historical_status"]}),
    ],
)
def test_includes(api: ApiCaller, query: str) -> None:
    subscription_id = mobile(api)
    body = api.get(f"/subscriptions/{subscription_id}{query}").json()
    assert body["origin"] == {"id": 1, "value": "NUEVA"}
    assert body["sell_date"].endswith("Z")
    [change] = body["historical_status"]
    assert change["subscription_status"] == {"id": 3, "value": "ACTIVO"}
    assert change["modified_by"] == "test-key"
    assert list(body)[:8] == [
        "id",
        "subscription_status",
        "sell_date",
        "activated_date",
        "end_date",
        "subscription_type",
        "origin",
        "historical_status",
    ]


def test_one_include_shows_only_its_field(api: ApiCaller) -> None:
    subscription_id = mobile(api)
    body = api.get(f"/subscriptions/{subscription_id}?include=origin").json()
    assert "origin" in body
    assert "sell_date" not in body
    assert "historical_status" not in body


def test_history_is_oldest_first(api: ApiCaller) -> None:
    subscription_id = mobile(api, sim=None, msisdn="600000022")  # shipped: PENDIENTE ALTA
    activated = api.patch("/signups/activate-sim", json={"msisdn": "600000022"})
    assert activated.status_code == 200, activated.text
    body = api.get(f"/subscriptions/{subscription_id}?include=historical_status").json()
    assert [c["subscription_status"]["value"] for c in body["historical_status"]] == [
        "PENDIENTE ALTA",
        "ACTIVO",
    ]


def test_fixed_line_has_no_sim(api: ApiCaller) -> None:
    lines = convergent(api)
    body = api.get(f"/subscriptions/{lines['ftth']}").json()
    assert body["subscription_type"] == {"id": 4, "value": "FTTH"}
    assert body["iccid"] is None
    assert body["imsi"] is None


def test_unknown_and_other_org_are_404(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    assert api.get("/subscriptions/999999").status_code == 404
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    response = other.get(f"/subscriptions/{subscription_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "0005"


@pytest.mark.parametrize(
    "path",
    [
        "/subscriptions/abc",
        "/subscriptions/0",
        "/subscriptions/1?include=everything",
        "/subscriptions/1?query=notjson",
    ],
)
def test_bad_id_or_include_is_400(api: ApiCaller, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 400
    assert response.json()["code"] == "0001"


def test_needs_the_subscriptions_permission(api: ApiCaller, session: Session) -> None:
    key = make_key(session, permissions=frozenset({Permission.PRODUCTS}))
    response = ApiCaller(api.client, key, "telco").get("/subscriptions/1")
    assert response.status_code == 403
