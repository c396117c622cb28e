"""GET accounts/{accountId}/contracts: by signature configuration, with filters; 400s."""

from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.accounts.helpers import account_id, convergent, signup
from tests.bodies import mobile_line, mobile_signup, owner
from tests.catalogue_fixture import sim_iccid
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXAMPLE = reference_example("GET", "/accounts/{accountId}/contracts")
SCORING = {"scoring_value": 800, "credit_limit_available": "1000"}


def contracts(api: ApiCaller, account: int, **params: Any) -> list[dict[str, Any]]:
    response = api.get(f"/accounts/{account}/contracts", params=params)
    assert response.status_code == 200, response.text
    assert_shape(response.json(), EXAMPLE)
    found: list[dict[str, Any]] = response.json()["contracts"]
    return found


def test_convergent_signup_contracts(api: ApiCaller, session: Session) -> None:
    result = convergent(api, 52000001, devices=True, scoring=SCORING)
    account = account_id(result)
    main = next(s for s in result["account_info"]["subscriptions"] if s["subscription_terminal_id"])

    [bundle] = contracts(api, account, signature_config="CONVERGENTE")
    assert bundle["account_id"] == account
    assert isinstance(bundle["account_bundle_id"], int)
    assert bundle["pdf_file_name"].startswith("convergente_")
    assert bundle["pdf_file_name"].endswith(".pdf")
    assert len(bundle["contract_id"]) == len(bundle["document_id"]) == 36
    assert bundle["status"] == "FIRMADO"
    assert bundle["signed_document_id"] == bundle["document_id"]
    assert bundle["subscription_id"] is None

    [terminal] = contracts(api, account, signature_config="TERMINAL")
    assert terminal["subscription_id"] == main["subscription_id"]
    assert terminal["subscription_terminal_id"] == main["subscription_terminal_id"]
    assert contracts(api, account, signature_config="SOLOMOVIL") == []

    by_line = contracts(
        api, account, signature_config="TERMINAL", subscription_id=main["subscription_id"]
    )
    assert by_line == [terminal]
    assert contracts(api, account, signature_config="TERMINAL", subscription_id=1) == []
    assert contracts(
        api,
        account,
        signature_config="CONVERGENTE",
        account_bundle_id=bundle["account_bundle_id"],
    ) == [bundle]
    assert (
        contracts(
            api,
            account,
            signature_config="TERMINAL",
            subscription_terminal_id=main["subscription_terminal_id"] + 1000,
        )
        == []
    )


def test_mobile_only_contract(api: ApiCaller) -> None:
    line = mobile_line(msisdn="600000070", iccid=sim_iccid(7))
    result = signup(api, mobile_signup(person=owner(52000002), line=line))
    [contract] = contracts(api, account_id(result), signature_config="SOLOMOVIL")
    assert (
        contract["subscription_id"] == result["account_info"]["subscriptions"][0]["subscription_id"]
    )
    assert contract["account_bundle_id"] is None
    assert contracts(api, account_id(result), signature_config="SOLOMOVIL", iccid="1") == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"signature_config": "convergente"},
        {"signature_config": "PAPER"},
        {"signature_config": "CONVERGENTE", "subscription_id": "x"},
    ],
)
def test_missing_or_unknown_signature_config_is_400(api: ApiCaller, params: dict[str, str]) -> None:
    account = account_id(convergent(api, 52000003))
    response = api.get(f"/accounts/{account}/contracts", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "0001"
