"""GET accounts/{accountId}/paymentinfo: bank account split in CCC parts, cards masked."""

import pytest
from sqlalchemy.orm import Session

from mascustomers.models import Account
from tests.accounts.helpers import account_id, signup
from tests.bodies import IBAN, mobile_signup, owner
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXAMPLE = reference_example("GET", "/accounts/{accountId}/paymentinfo")
TPV = {
    "card_number": "453212******1234",
    "expiry_date": "1228",
    "transaction_id": "1563B44RPR2",
}


def card_signup(api: ApiCaller, number: int) -> int:
    body = mobile_signup(person=owner(number))
    del body["payment"]["info"]
    body["payment"]["tpv_response"] = TPV
    return account_id(signup(api, body))


def test_bank_account(api: ApiCaller) -> None:
    account = account_id(signup(api, mobile_signup(person=owner(55000001))))
    response = api.get(f"/accounts/{account}/paymentinfo")
    assert response.status_code == 200, response.text
    body = response.json()
    assert_shape(body, EXAMPLE)
    assert body == {
        "payment_method": "BANK_ACCOUNT",
        "bank_account": {
            "entity": "2100",
            "subsidiary": "0418",
            "control_digit": "45",
            "number": "0200051332",
            "iban": IBAN,
        },
        "credit_card": None,
    }


def test_card(api: ApiCaller) -> None:
    account = card_signup(api, 55000002)
    body = api.get(f"/accounts/{account}/paymentinfo").json()
    assert_shape(body, EXAMPLE)
    assert body["payment_method"] == "CREDIT_CARD"
    assert body["bank_account"] is None
    assert body["credit_card"] == {
        "reference": "1563B44RPR2",
        "type_id": 1,
        "number": "453212******1234",
        "validity_date": "1228",
    }


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("4532123412341234", "453212******1234"),
        ("4532 1234 1234 1234", "453212******1234"),
        ("12", None),
    ],
)
def test_a_card_number_is_never_shown_in_clear(
    api: ApiCaller, session: Session, stored: str, shown: str | None
) -> None:
    account = card_signup(api, 55000003)
    row = session.get(Account, account)
    assert row is not None
    row.card_masked_number = stored
    session.commit()
    body = api.get(f"/accounts/{account}/paymentinfo").json()
    assert body["credit_card"]["number"] == shown
    assert "1234123412" not in str(body)


def test_foreign_iban_is_shown_whole(api: ApiCaller, session: Session) -> None:
    account = account_id(signup(api, mobile_signup(person=owner(55000004))))
    row = session.get(Account, account)
    assert row is not None
    row.iban = "DE89370400440532013000"
    session.commit()
    body = api.get(f"/accounts/{account}/paymentinfo").json()
    assert body["bank_account"] == {
        "entity": None,
        "subsidiary": None,
        "control_digit": None,
        "number": None,
        "iban": "DE89370400440532013000",
    }
