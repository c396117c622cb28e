"""GET users/{userId}: the user document of people and companies, and its 400/404 paths."""

from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.kit.identity_documents import make_cif, make_nif
from mascustomers.models import Customer
from tests.bodies import mobile_signup, owner
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller, make_key

pytestmark = pytest.mark.usefixtures("catalogue")


def signup(api: ApiCaller, person: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/signups", json=mobile_signup(person=person))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def owner_user_id(result: dict[str, Any]) -> int:
    user_id: int = result["account_info"]["subscriptions"][0]["user_info_id"]
    return user_id


def test_person(api: ApiCaller, session: Session) -> None:
    person = owner(
        20000001,
        middle_name="Isabel",
        other_phone="912345678",
        nationality_id=724,
        email="Lucia.Garcia@Example.ES",
    )
    result = signup(api, person)
    customer = session.get(Customer, result["customer_id"])
    assert customer is not None
    customer.special_treatment_id, customer.special_treatment_value = 42, "Influencer"
    session.commit()
    user_id = owner_user_id(result)

    response = api.get(f"/users/{user_id}")

    assert response.status_code == 200, response.text
    document = response.json()
    assert_shape(document, reference_example("GET", "/users/{userId}"))
    assert document["id"] == user_id
    assert document["customer_id"] == result["customer_id"]
    assert document["language"] == {"value": "Castellano"}
    assert document["document_type"] == {"id": 1, "value": "NUMERO IDENTIFICACION FISCAL"}
    assert document["document_value"] == make_nif(20000001)
    assert document["sector"] == {"id": 1, "value": "RESIDENCIAL"}
    assert document["type"] == {"id": 1, "value": "PARTICULAR"}
    assert document["nationality"] == {"value": "ESPAÑA"}
    assert document["personal"] == {
        "first_name": "Lucía",
        "middle_name": "Isabel",
        "last_name": "García Pérez",
        "gender": "F",
        "birthdate": "1988-04-12",
        "other_phone": 912345678,
        "email": "lucia.garcia@example.es",
    }
    assert document["business"] is None
    assert document["address_info"] == {
        "address": "CALLE EMILIO FERRARI 12",
        "state": "MADRID",
        "zip_code": "28017",
        "locality": "MADRID",
    }
    assert document["special_treatment"] == {"id": 42, "value": "Influencer"}


def test_company_has_business_with_responsable(api: ApiCaller) -> None:
    company = owner(
        type_id=2,
        document_type_id=3,
        document_value=make_cif(1234567),
        first_name=None,
        last_name=None,
        gender=None,
        birthdate=None,
        company="SPACEX",
        company_created_date="2002-03-14",
        other_phone="912345678",
        email="admin@spacex.example.com",
        responsable={
            "name": "John",
            "middlename": "Nicholas",
            "lastname": "Doe",
            "document_type_id": 1,
            "document_value": make_nif(11111111),
            "nationality_id": 724,
        },
    )
    result = signup(api, company)

    response = api.get(f"/users/{owner_user_id(result)}")

    assert response.status_code == 200, response.text
    document = response.json()
    assert_shape(document, reference_example("GET", "/users/{userId}"))
    assert document["type"] == {"id": 2, "value": "EMPRESA"}
    assert document["document_type"] == {"id": 3, "value": "CODIGO IDENTIFICACION FISCAL"}
    assert document["personal"] is None
    business = document["business"]
    assert business["company"] == "SPACEX"
    assert business["created_date"] == "2002-03-14"
    assert business["other_phone"] == 912345678
    assert business["email"] == "admin@spacex.example.com"
    responsable = business["responsable"]
    assert isinstance(responsable["id"], int)
    assert responsable | {"id": 0} == {
        "id": 0,
        "name": "John",
        "middlename": "Nicholas",
        "lastname": "Doe",
        "document_type_id": 1,
        "document_value": make_nif(11111111),
        "nationality_id": 724,
        "nationality_iso": "ES",
        "nationality_value": "España",
    }
    # The responsable is a user too, shown as a person.
    person = api.get(f"/users/{responsable['id']}").json()
    assert person["personal"]["first_name"] == "John"
    assert person["business"] is None


def test_unknown_user_is_404(api: ApiCaller) -> None:
    response = api.get("/users/987654321")
    assert response.status_code == 404
    assert response.json()["code"] == "0005"


@pytest.mark.parametrize("user_id", ["abc", "1.5", "0", "-3", str(2**63)])
def test_malformed_user_id_is_400(api: ApiCaller, user_id: str) -> None:
    response = api.get(f"/users/{user_id}")
    assert response.status_code == 400
    assert response.json()["code"] == "0001"
    assert "userId" in response.json()["detailMsg"]


def test_user_of_another_org_is_404(api: ApiCaller, session: Session) -> None:
    user_id = owner_user_id(signup(api, owner(20000002)))
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    response = other.get(f"/users/{user_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "0005"
