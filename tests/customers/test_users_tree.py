"""users/tree (GET, POST) and users/tree/full: search, tree shape, 400/403/404."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mascustomers.kit.clock import clock_for, format_timestamp
from mascustomers.kit.identity_documents import make_nie, make_nif
from mascustomers.models import Customer, Subscription, SubscriptionBonus
from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import BONUS_3GB, MAIN_10GB, sim_iccid
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller, make_key
from tests.subscriptions.test_bonuses import madrid_days_later, parse

pytestmark = pytest.mark.usefixtures("catalogue")

TREE_EXAMPLE = reference_example("GET", "/users/tree")


def signup(api: ApiCaller, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/signups", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def lines(result: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = result["account_info"]["subscriptions"]
    return found


def convergent(api: ApiCaller, number: int = 30000001) -> dict[str, Any]:
    return signup(api, convergent_signup(person=owner(number)))


def test_tree_by_number_has_every_account_and_line(api: ApiCaller) -> None:
    bundle = convergent(api)
    mobile = signup(
        api,
        mobile_signup(
            person=owner(30000001), line=mobile_line(msisdn="600000050", iccid=sim_iccid(50))
        ),
    )
    main = next(s for s in lines(bundle) if s["type"] == 2 and s["msisdn"])

    response = api.get("/users/tree", params={"number": main["msisdn"]})

    assert response.status_code == 200, response.text
    tree = response.json()
    assert_shape(tree, TREE_EXAMPLE)
    assert tree["id"] == main["user_info_id"]
    assert tree["customer_id"] == bundle["customer_id"] == mobile["customer_id"]
    assert len(tree["customer_uuid"]) == 36
    accounts = {a["id"]: a for a in tree["accounts"]}
    assert set(accounts) == {
        bundle["account_info"]["account_id"],
        mobile["account_info"]["account_id"],
    }
    convergent_lines = accounts[bundle["account_info"]["account_id"]]["subscriptions"]
    assert sorted(s["subscription_type"]["id"] for s in convergent_lines) == [2, 2, 3, 4, 6, 12]
    assert {s["bundle_id"] for s in convergent_lines} == {500}
    main_line = next(s for s in convergent_lines if s["id"] == main["subscription_id"])
    assert main_line["identification_nr"] == int(main["msisdn"])
    assert main_line["mobile_line_type"] == "main"
    assert main_line["subscription_type"] == {"id": 2, "value": "POST-PAGO"}
    assert main_line["status"] == {"id": 2, "value": "PENDIENTE ALTA"}
    assert main_line["user_id"] == main_line["expedition_user_id"] == tree["id"]
    ftth = next(s for s in convergent_lines if s["subscription_type"]["id"] == 4)
    assert ftth["mobile_line_type"] is None
    assert ftth["status"] == {"id": 4, "value": "PENDIENTE INSTALACION"}
    [solo] = accounts[mobile["account_info"]["account_id"]]["subscriptions"]
    assert solo["mobile_line_type"] == "mobile"
    assert solo["bundle_id"] is None
    assert solo["status"] == {"id": 3, "value": "ACTIVO"}
    assert accounts[mobile["account_info"]["account_id"]]["owner_id"] == tree["id"]


def test_fixed_number_email_and_documents_find_the_same_tree(api: ApiCaller) -> None:
    bundle = convergent(api, 30000002)
    fixed = next(s["fixed_number"] for s in lines(bundle) if s["type"] == 3)
    nif = make_nif(30000002)
    searches = [
        {"number": fixed},
        {"number": f"+34 {fixed[:3]} {fixed[3:]}"},
        {"email": "LUCIA.30000002@EXAMPLE.ES"},
        {"documentType": "NIF", "document": nif.lower()},
        {"documentType": "DNI", "document": nif},
        {"documentType": "1", "document": nif},
        {"nif": nif},
        {"email": "lucia.30000002@example.es", "documentType": "NIF", "document": nif},
    ]
    for params in searches:
        response = api.get("/users/tree", params=params)
        assert response.status_code == 200, (params, response.text)
        assert response.json()["customer_id"] == bundle["customer_id"], params


def test_post_takes_the_search_as_a_body(api: ApiCaller) -> None:
    bundle = convergent(api, 30000003)
    nif = make_nif(30000003)
    for body in (
        {"email": "lucia.30000003@example.es"},
        {"documentType": "NIF", "document": nif},
        {"document_type": "NIF", "document": nif},
    ):
        response = api.post("/users/tree", json=body)
        assert response.status_code == 200, (body, response.text)
        assert_shape(response.json(), reference_example("POST", "/users/tree"))
        assert response.json()["customer_id"] == bundle["customer_id"]


def test_a_line_user_is_the_user_found_by_its_number(api: ApiCaller) -> None:
    line_user = owner(
        30000005, role="line_user", line_msisdn="600000060", first_name="Pablo", address=None
    )
    body = mobile_signup(
        person=owner(30000004), line=mobile_line(msisdn="600000060", iccid=sim_iccid(55))
    )
    body["clients"]["attributes"].append(line_user)
    result = signup(api, body)

    tree = api.get("/users/tree", params={"number": "600000060"}).json()
    assert tree["id"] == lines(result)[0]["user_info_id"]
    owner_id = tree["accounts"][0]["owner_id"]
    assert tree["id"] != owner_id
    by_document = api.get("/users/tree", params={"nif": make_nif(30000004)}).json()
    assert by_document["id"] == owner_id


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({}, "0001", "search parameter"),
        ({"email": ""}, "0001", "search parameter"),
        ({"number": "12345"}, "0001", "number"),
        ({"email": "not-an-email"}, "0001", "email"),
        ({"email": "x" * 80 + "@example.es"}, "0001", "email"),
        ({"documentType": "NIF"}, "0001", "document"),
        ({"document": "12345678Z"}, "0001", "documentType"),
        ({"documentType": "NIF", "document": "12345678A"}, "0023", "document"),
        ({"documentType": "9", "document": "12345678Z"}, "0023", "document"),
        ({"documentType": "DRIVING", "document": "12345678Z"}, "0023", "document"),
        ({"nif": "hello"}, "0023", "nif"),
    ],
)
def test_bad_searches_are_400(
    api: ApiCaller, params: dict[str, str], code: str, field: str
) -> None:
    response = api.get("/users/tree", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert field in response.json()["detailMsg"]


def test_empty_post_body_is_400(api: ApiCaller) -> None:
    response = api.post("/users/tree", json={})
    assert response.status_code == 400
    assert response.json()["code"] == "0001"


def test_nothing_found_is_404(api: ApiCaller) -> None:
    convergent(api, 30000006)
    other = signup(api, mobile_signup(person=owner(30000007)))
    for params in (
        {"number": "699999999"},
        {"email": "nobody@example.es"},
        {"documentType": "NIE", "document": make_nie(1234567)},
        # Both exist, but belong to different customers.
        {"email": "lucia.30000006@example.es", "number": lines(other)[0]["msisdn"]},
    ):
        response = api.get("/users/tree", params=params)
        assert response.status_code == 404, (params, response.text)
        assert response.json()["code"] == "0005"


def test_other_orgs_customers_are_not_found(api: ApiCaller, session: Session) -> None:
    result = convergent(api, 30000008)
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    number = lines(result)[0]["msisdn"] or lines(result)[0]["fixed_number"]
    for params in ({"number": number}, {"nif": make_nif(30000008)}):
        response = other.get("/users/tree", params=params)
        assert response.status_code == 404, response.text


def assert_login_refused(response: Any) -> None:
    assert response.status_code == 403, response.text
    assert response.json() == {
        "code": "0010",
        "status": "FORBIDDEN",
        "message": "Forbidden",
        "detailMsg": "The state does not allow login",
    }


def test_blocked_customer_may_not_log_in(api: ApiCaller, session: Session) -> None:
    result = convergent(api, 30000009)
    customer = session.get(Customer, result["customer_id"])
    assert customer is not None
    customer.login_blocked = True
    session.commit()
    assert_login_refused(api.get("/users/tree", params={"nif": make_nif(30000009)}))
    assert_login_refused(api.post("/users/tree", json={"nif": make_nif(30000009)}))
    assert_login_refused(
        api.post("/users/tree/full", json={"document_type": "NIF", "document": make_nif(30000009)})
    )


def test_customer_whose_lines_all_ended_may_not_log_in(api: ApiCaller, session: Session) -> None:
    result = signup(api, mobile_signup(person=owner(30000010)))
    [line] = lines(result)
    params = {"email": "lucia.30000010@example.es"}
    assert api.get("/users/tree", params=params).status_code == 200
    session.execute(
        update(Subscription)
        .where(Subscription.id == line["subscription_id"])
        .values(status_id=7, ended_at=clock_for(None).now())
    )
    session.commit()
    assert_login_refused(api.get("/users/tree", params=params))
    # The ended line's number no longer finds anyone.
    assert api.get("/users/tree", params={"number": line["msisdn"]}).status_code == 404
    # A new line on another account lets the customer in again.
    signup(api, mobile_signup(person=owner(30000010)))
    assert api.get("/users/tree", params=params).status_code == 200


def test_full_tree_has_products_services_and_bonuses(api: ApiCaller, session: Session) -> None:
    result = convergent(api, 30000011)
    main = next(s for s in lines(result) if s["type"] == 2 and s["msisdn"])
    ended = SubscriptionBonus(
        subscription_id=main["subscription_id"],
        bonus_id=BONUS_3GB,
        start_at=clock_for(None).now() - timedelta(days=60),
        end_at=clock_for(None).now() - timedelta(days=30),
        created_at=clock_for(None).now() - timedelta(days=60),
    )
    session.add(ended)
    session.commit()

    response = api.post(
        "/users/tree/full", json={"document_type": "DNI", "document": make_nif(30000011)}
    )

    assert response.status_code == 200, response.text
    tree = response.json()
    extras = ("product", "services", "bonuses")
    plain = {
        **tree,
        "accounts": [
            {
                **account,
                "subscriptions": [
                    {k: v for k, v in s.items() if k not in extras}
                    for s in account["subscriptions"]
                ],
            }
            for account in tree["accounts"]
        ],
    }
    assert_shape(plain, TREE_EXAMPLE)
    [account] = tree["accounts"]
    line = next(s for s in account["subscriptions"] if s["id"] == main["subscription_id"])
    assert line["product"] == {"id": MAIN_10GB, "value": "TARIFA MAS 10GB CONV"}
    assert line["services"] == [
        {"id": 1, "value": "VOZ", "active": True},
        {"id": 2, "value": "DATOS", "active": True},
        {"id": 3, "value": "ROAMING", "active": True},
    ]
    [bonus] = line["bonuses"]
    assert bonus["id"] == BONUS_3GB
    assert bonus["value"] == "INTERNET 3GB TPILI"
    assert bonus["start_date"].endswith("Z")
    assert len(bonus["start_date"]) == 20
    # INTERNET 3GB lasts 30 days of the org's calendar.
    end = madrid_days_later(parse(bonus["start_date"]), 30)
    assert bonus["end_date"] == format_timestamp(end)
    tv = next(s for s in account["subscriptions"] if s["subscription_type"]["id"] == 6)
    assert tv["product"]["value"] == "TV FUTBOL"
    assert tv["services"] == []
    assert tv["bonuses"] == []
    stored = session.scalars(
        select(SubscriptionBonus).where(
            SubscriptionBonus.subscription_id == main["subscription_id"]
        )
    ).all()
    assert len(stored) == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"document_type": "NIF"},
        {"document": "12345678Z"},
        {"document_type": "DRIVING", "document": "12345678Z"},
        {"document_type": "NIF", "document": "12345678A"},
    ],
)
def test_full_tree_needs_a_valid_document(api: ApiCaller, body: dict[str, str]) -> None:
    response = api.post("/users/tree/full", json=body)
    assert response.status_code == 400, response.text


def test_full_tree_of_unknown_document_is_404(api: ApiCaller) -> None:
    response = api.post("/users/tree/full", json={"document_type": "NIF", "document": "12345678Z"})
    assert response.status_code == 404
