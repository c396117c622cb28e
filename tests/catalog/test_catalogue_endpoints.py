"""The read-only catalogue API: lists, filters, dealer narrowing, items, 404s, permission."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mascustomers.auth.permissions import Permission
from mascustomers.catalog.file_format import load_shipped_catalogue
from mascustomers.catalog.loader import load_catalogue
from mascustomers.errors import ErrorCode
from mascustomers.models import Org
from tests.catalog.shipped import NOW, document, load_shipped, raw_shipped
from tests.factories import ApiCaller, make_key, make_org


@pytest.fixture
def shipped(session: Session, org: Org) -> None:
    load_shipped(session, org)
    session.commit()


def _ids(response: Any, key: str) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()[key]]


def _not_found(response: Any) -> None:
    assert response.status_code == 404, response.text
    assert response.json()["code"] == ErrorCode.NOT_FOUND.code


@pytest.mark.usefixtures("shipped")
def test_products_list_everything_by_default(api: ApiCaller) -> None:
    ids = _ids(api.get("/catalogue/products"), "products")
    assert ids == sorted(p.id for p in load_shipped_catalogue().products)


@pytest.mark.usefixtures("shipped")
def test_a_product_and_what_it_combines_with(api: ApiCaller) -> None:
    response = api.get("/catalogue/products/364")
    assert response.status_code == 200, response.text
    product = response.json()
    assert product["id"] == 364
    assert product["name"] == "TARIFA MAS 10GB CONV"
    assert product["subscription_type"] == {"id": 2, "value": "POST-PAGO"}
    assert product["billing_types"] == [{"id": 1, "value": "POSPAGO"}]
    assert product["monthly_price"] == 10.0
    assert isinstance(product["monthly_price"], float)
    assert product["bundle_only"] is True
    assert product["mobile_line_type"] == "main"
    assert product["compatible_products"] == [365, 366]
    assert {"id": 2, "name": "DATOS"} in product["services"]
    assert product["bundles"] == [950, 954, 962]
    assert 501 in product["bonuses"]
    assert 510 not in product["bonuses"]
    assert product["promotions"] == [601]
    fibre = api.get("/catalogue/products/3036").json()
    assert fibre["description"] == "Fibra sobre red de otro operador (acceso indirecto)"


@pytest.mark.usefixtures("shipped")
def test_product_filters(api: ApiCaller) -> None:
    prepaid = _ids(api.get("/catalogue/products", params={"subscription_type": 1}), "products")
    assert prepaid == [390, 391, 392]
    assert _ids(api.get("/catalogue/products", params={"billing_type": 2}), "products") == prepaid
    fibre = _ids(
        api.get("/catalogue/products", params={"subscription_type": 4, "billing_type": 1}),
        "products",
    )
    assert fibre == [3030, 3035, 3036, 3040]
    assert _ids(api.get("/catalogue/products", params={"subscription_type": 9}), "products") == []
    for bad in ({"billing_type": 3}, {"subscription_type": "fibra"}, {"dealer_id": "x" * 41}):
        response = api.get("/catalogue/products", params=bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == ErrorCode.VALIDATION_FAILED.code


@pytest.mark.usefixtures("shipped")
def test_dealer_narrowing(api: ApiCaller) -> None:
    prepaid_shop = {"dealer_id": "D00100"}
    products = _ids(api.get("/catalogue/products", params=prepaid_shop), "products")
    assert products == [380, 381, 390, 391, 392]
    assert _ids(api.get("/catalogue/bundles", params=prepaid_shop), "bundles") == []
    bonuses = _ids(api.get("/catalogue/bonuses", params=prepaid_shop), "bonuses")
    assert 511 not in bonuses  # landline-only bonus
    assert 510 in bonuses
    promotions = _ids(api.get("/catalogue/promotions", params=prepaid_shop), "promotions")
    assert promotions == [604, 605, 606, 607]  # mobile-only tariff and account promotions
    fibre_sales = _ids(api.get("/catalogue/bundles", params={"dealer_id": "D00200"}), "bundles")
    assert fibre_sales == [950, 954, 955, 956, 957, 960]
    everything = _ids(api.get("/catalogue/products"), "products")
    unlisted = _ids(api.get("/catalogue/products", params={"dealer_id": "C00002"}), "products")
    assert unlisted == everything


@pytest.mark.usefixtures("shipped")
def test_bundles(api: ApiCaller) -> None:
    assert _ids(api.get("/catalogue/bundles"), "bundles") == [950, 954, 955, 956, 957, 960, 962]
    bundle = api.get("/catalogue/bundles/954").json()
    assert bundle["name"] == "FIBRA 600Mb INDIRECTA + TARIFA MÁS 10GB"
    assert bundle["components"]["fixed"] == [3036, 3060, 3061]
    assert bundle["components"]["main_mobile"] == [364]
    assert bundle["components"]["max_additional_lines"] == 4
    assert bundle["allowed_migrations"] == [950, 955, 956, 957]
    assert bundle["promotions"] == [608]
    no_mobile = api.get("/catalogue/bundles/960").json()
    assert no_mobile["components"]["main_mobile"] == []
    assert no_mobile["promotions"] == [610]


@pytest.mark.usefixtures("shipped")
def test_bonuses(api: ApiCaller) -> None:
    assert len(_ids(api.get("/catalogue/bonuses"), "bonuses")) == 13
    assert _ids(api.get("/catalogue/bonuses", params={"product_id": 3060}), "bonuses") == [
        507,
        511,
    ]
    bonus = api.get("/catalogue/bonuses/501").json()
    assert bonus == {
        "id": 501,
        "name": "INTERNET 3GB TPILI",
        "price": 3.0,
        "duration_days": 30,
        "compatible_products": [
            *(364, 365, 366, 370, 371, 372, 375, 376, 380, 381, 382, 383, 390, 391, 392)
        ],
    }
    assert api.get("/catalogue/bonuses/507").json()["duration_days"] is None


@pytest.mark.usefixtures("shipped")
def test_promotions(api: ApiCaller) -> None:
    assert _ids(api.get("/catalogue/promotions", params={"level": "bundle"}), "promotions") == [
        608,
        609,
        610,
    ]
    promotion = api.get("/catalogue/promotions/601").json()
    assert promotion["code"] == "NTH_256"
    assert promotion["level"] == "subscription"
    assert (promotion["benefit_type"], promotion["benefit_value"]) == ("percentage", 50.0)
    assert (promotion["commitment_months"], promotion["penalty_amount"]) == (12, 150.0)
    assert promotion["binding_type"] == "12 MESES"
    assert promotion["compatible_products"] == [364, 365, 366]
    bundle_level = api.get("/catalogue/promotions/609").json()
    assert bundle_level["compatible_bundles"] == [956, 957]
    account = api.get("/catalogue/promotions/606").json()
    assert (account["penalty_amount"], account["binding_type"]) == (None, None)
    assert api.get("/catalogue/promotions", params={"level": "team"}).status_code == 400


@pytest.mark.usefixtures("shipped")
def test_services_and_devices(api: ApiCaller) -> None:
    assert len(_ids(api.get("/catalogue/services"), "services")) == 15
    data = api.get("/catalogue/services/2").json()
    assert (data["name"], data["changeable"]) == ("DATOS", True)
    assert 364 in data["products"]
    assert 3036 not in data["products"]
    devices = _ids(api.get("/catalogue/devices"), "devices")
    assert devices == list(range(7001, 7010))
    watches = _ids(api.get("/catalogue/devices", params={"category": "SMARTWATCH"}), "devices")
    assert watches == [7007]
    iphone = api.get("/catalogue/devices/7004").json()
    assert iphone == {
        "id": 7004,
        "model_id": 90004,
        "name": "Apple iPhone 16",
        "model": "128GB Negro",
        "category": "SMARTPHONE",
        "terminal_code": "PV10004",
        "price": 959.0,
    }


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize(
    "path",
    [
        "/catalogue/products/999",
        "/catalogue/bundles/364",
        "/catalogue/bonuses/999",
        "/catalogue/promotions/999",
        "/catalogue/services/999",
        "/catalogue/devices/999",
    ],
)
def test_unknown_ids(api: ApiCaller, path: str) -> None:
    _not_found(api.get(path))


def test_another_orgs_items_are_not_found(
    api: ApiCaller, client: TestClient, session: Session, org: Org
) -> None:
    load_shipped(session, org)
    other = make_org(session, slug="other")
    raw = raw_shipped()
    raw["products"].append(
        {
            "id": 9999,
            "name": "TARIFA SOLO DE OTHER",
            "subscription_type": 2,
            "billing_types": [1],
            "monthly_price": "1.00",
        }
    )
    raw["devices"].append({**raw["devices"][0], "catalogue_id": 7999, "terminal_code": "PV9"})
    load_catalogue(session, org_id=other.id, document=document(raw), now=NOW)
    session.commit()
    other_api = ApiCaller(client, make_key(session, org_slug="other"), "other")
    assert other_api.get("/catalogue/products/9999").status_code == 200
    _not_found(api.get("/catalogue/products/9999"))
    _not_found(api.get("/catalogue/devices/7999"))
    assert 9999 not in _ids(api.get("/catalogue/products"), "products")
    cross = api.get("/v2/orgs/other/catalogue/products/9999")
    assert cross.status_code == 403


def test_an_org_without_catalogue_lists_nothing(api: ApiCaller) -> None:
    for kind in ("products", "bundles", "bonuses", "promotions", "services", "devices"):
        assert _ids(api.get(f"/catalogue/{kind}"), kind) == []


@pytest.mark.usefixtures("catalogue")
def test_tables_written_without_a_document(api: ApiCaller) -> None:
    """The test fixture writes rows directly: the API shows them without document extras."""
    product = api.get("/catalogue/products/2001").json()
    assert product["description"] is None
    assert product["bundles"] == [500]
    promotion = api.get("/catalogue/promotions/51").json()
    assert promotion["compatible_bundles"] == []
    assert api.get("/catalogue/bundles/500").json()["promotions"] == [51]


@pytest.mark.usefixtures("shipped")
def test_the_products_permission_is_needed(client: TestClient, session: Session) -> None:
    signups_only = make_key(session, permissions=frozenset({Permission.SIGNUPS}))
    caller = ApiCaller(client, signups_only, "telco")
    denied = caller.get("/catalogue/products")
    assert denied.status_code == 403
    assert denied.json()["code"] == ErrorCode.PERMISSION_DENIED.code
    products_only = make_key(session, permissions=frozenset({Permission.PRODUCTS}))
    assert ApiCaller(client, products_only, "telco").get("/catalogue/devices").status_code == 200


def test_openapi_documents_the_catalogue(api: ApiCaller) -> None:
    document = api.get("/v2/openapi.json").json()
    paths = [p for p in document["paths"] if "/catalogue/" in p]
    assert len(paths) == 12
    for path in paths:
        operation = document["paths"][path]["get"]
        assert operation["tags"] == ["Catalogue"]
        assert operation["x-permission"] == "products"
        assert "404" in operation["responses"]
        assert "422" not in operation["responses"]
