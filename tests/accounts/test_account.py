"""GET accounts/{accountId}: the account with its work orders; 400 and 404 paths."""

import pytest
from sqlalchemy.orm import Session

from mascustomers.kit.clock import format_timestamp
from mascustomers.models import Account
from tests.accounts.helpers import account_id, convergent, other_org, signup
from tests.bodies import mobile_signup, owner
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXAMPLE = reference_example("GET", "/accounts/{accountId}")


def test_active_account(api: ApiCaller, session: Session) -> None:
    result = convergent(api, 50000001)
    account = session.get(Account, account_id(result))
    assert account is not None

    response = api.get(f"/accounts/{account.id}")

    assert response.status_code == 200, response.text
    body = response.json()
    assert_shape(body, EXAMPLE)
    assert body["id"] == account.id
    assert body["customer_id"] == result["customer_id"]
    assert body["account_number"] == account.account_number
    assert body["account_number"].startswith("MM-")
    assert len(body["account_number"]) == 10
    assert body["work_order_id"] == result["work_order_id"]
    [order] = body["work_orders"]
    assert order["work_order_id"] == result["work_order_id"]
    assert order["work_order_type"] == {"id": 1, "value": "ALTA"}
    assert order["status"] == {"id": 32, "value": "PENDIENTE CREAR OT"}
    assert order["created_date"] == format_timestamp(account.created_at)
    assert body["activation_date"] == format_timestamp(account.activated_at)  # type: ignore[arg-type]
    assert body["billing_type"] == {"id": 1, "value": "POSPAGO"}
    assert body["status"] == {"id": 3, "value": "ACTIVO"}
    assert body["path"] == account.contract_path
    assert body["filename"] == account.contract_filename


def test_account_held_by_risk(api: ApiCaller) -> None:
    result = signup(api, mobile_signup(person=owner(50000002), scoring={"scoring_value": 300}))
    body = api.get(f"/accounts/{account_id(result)}").json()
    assert body["status"] == {"id": 5, "value": "PENDIENTE RIESGO"}
    assert body["activation_date"] is None
    assert body["work_orders"][0]["status"] == {"id": 5, "value": "PENDIENTE RIESGO"}


def test_unknown_account_is_404(api: ApiCaller) -> None:
    response = api.get("/accounts/987654321")
    assert response.status_code == 404
    assert response.json()["code"] == "0005"


@pytest.mark.parametrize("value", ["MM-5338507", "1e3", "0", str(2**63)])
def test_malformed_account_id_is_400(api: ApiCaller, value: str) -> None:
    response = api.get(f"/accounts/{value}")
    assert response.status_code == 400
    assert "accountId" in response.json()["detailMsg"]


SUBRESOURCES = [
    "",
    "/tax",
    "/contracts?signature_config=CONVERGENTE",
    "/invoices",
    "/terms",
    "/paymentinfo",
    "/promotions",
]


@pytest.mark.parametrize("suffix", SUBRESOURCES)
def test_another_orgs_account_is_404(api: ApiCaller, session: Session, suffix: str) -> None:
    result = convergent(api, 50000003)
    response = other_org(api, session).get(f"/accounts/{account_id(result)}{suffix}")
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "0005"


@pytest.mark.parametrize("suffix", SUBRESOURCES)
def test_every_account_read_of_an_unknown_account_is_404(api: ApiCaller, suffix: str) -> None:
    response = api.get(f"/accounts/987654321{suffix}")
    assert response.status_code == 404, response.text
