"""GET signups/master-data, available-msisdns and simcard-info through the HTTP API."""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.errors import ErrorCode
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import NumberStatus
from mascustomers.models import Msisdn, SimCard
from tests.catalog.shipped import NOW, stock
from tests.catalogue_fixture import sim_iccid
from tests.factories import ApiCaller, make_key, make_org

SOURCE = Path(__file__).resolve().parents[2] / "src/mascustomers"
REFERENCE = SOURCE / "routing/reference/endpoints.json"


def _example(path_end: str) -> Any:
    operations = json.loads(REFERENCE.read_text(encoding="utf-8"))
    operation = next(op for op in operations if op["path"].endswith(path_end))
    return operation["response_examples"]["200"]


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else "null"


def _assert_same_shape(ours: Any, reference: Any, where: str) -> None:
    """Same keys in the same order and the same JSON types, all the way down."""
    assert _json_type(ours) == _json_type(reference), where
    if isinstance(reference, dict):
        assert list(ours) == list(reference), where
        for key, value in reference.items():
            _assert_same_shape(ours[key], value, f"{where}.{key}")
    elif isinstance(reference, list):
        assert ours, f"{where} is empty"
        for index, item in enumerate(ours):
            _assert_same_shape(item, reference[0], f"{where}[{index}]")


def _error(response: Any, status: int, code: ErrorCode) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "status", "message", "detailMsg"}
    assert body["code"] == code.code


def test_master_data_has_the_reference_shape(api: ApiCaller) -> None:
    response = api.get("/signups/master-data")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    _assert_same_shape(body, _example("/signups/master-data"), "master-data")
    assert len(body["states"]) == 52
    assert {"id": 28, "value": "Madrid", "iso": "ES-M"} in body["states"]
    assert {"id": 1, "value": "POSPAGO"} in body["billing_types"]
    assert all(isinstance(balance, int | float) for balance in body["balances"])


def test_master_data_accepts_a_dealer(api: ApiCaller) -> None:
    plain = api.get("/signups/master-data").json()
    assert api.get("/signups/master-data", params={"dealerId": "D00100"}).json() == plain
    _error(
        api.get("/signups/master-data", params={"dealerId": "x" * 41}),
        400,
        ErrorCode.VALIDATION_FAILED,
    )


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("network", ["YOIGO", "1", "yoigo"])
def test_available_msisdns(api: ApiCaller, network: str) -> None:
    response = api.get(f"/signups/available-msisdns/{network}")
    assert response.status_code == 200, response.text
    body = response.json()
    _assert_same_shape(body, _example("/signups/available-msisdns/{host_cfg}"), "msisdns")
    assert body["host_cfg_id"] == 1
    numbers = body["available_msisdns"]
    assert len(numbers) == 10
    assert numbers == sorted(set(numbers))
    assert all(number.startswith("6000") and len(number) == 9 for number in numbers)


@pytest.mark.usefixtures("catalogue")
def test_available_msisdns_limit_and_only_free_numbers(api: ApiCaller, session: Session) -> None:
    taken = [f"6000{i:05d}" for i in range(0, 100, 2)]
    for number in taken:
        row = session.scalars(select(Msisdn).where(Msisdn.msisdn == number)).one()
        row.status = NumberStatus.ASSIGNED
    session.commit()
    response = api.get("/signups/available-msisdns/YOIGO", params={"limit": 100})
    numbers = response.json()["available_msisdns"]
    assert len(numbers) == 50
    assert set(numbers).isdisjoint(taken)
    for limit in (0, 101, "ten"):
        _error(
            api.get("/signups/available-msisdns/YOIGO", params={"limit": limit}),
            400,
            ErrorCode.VALIDATION_FAILED,
        )


def test_available_msisdns_of_an_empty_pool(api: ApiCaller) -> None:
    response = api.get("/signups/available-msisdns/YOIGO")
    assert response.json() == {"host_cfg_id": 1, "available_msisdns": []}


@pytest.mark.parametrize("network", ["MOVISTAR", "2", "0", "VODAFONE"])
def test_other_networks_are_refused(api: ApiCaller, network: str) -> None:
    _error(api.get(f"/signups/available-msisdns/{network}"), 400, ErrorCode.UNKNOWN_NETWORK)


def test_available_numbers_spread_over_the_pool(session: Session, org_slug: str) -> None:
    org = make_org(session, slug=org_slug)
    stock(session, org, numbers=1000, sims=0)
    seen = {
        number
        for _ in range(20)
        for number in inventory_service.available_numbers(
            session, org_id=org.id, host_cfg_id=1, limit=10
        )
    }
    assert len(seen) > 50
    numbers = inventory_service.available_numbers(session, org_id=org.id, host_cfg_id=1, limit=999)
    assert len(numbers) == 999


@pytest.mark.usefixtures("catalogue")
def test_simcard_info(api: ApiCaller, session: Session) -> None:
    sim = session.scalars(select(SimCard).where(SimCard.iccid == sim_iccid(3))).one()
    sim.promotion_code = "NTH_256"
    session.commit()
    response = api.get(f"/signups/simcard-info/{sim_iccid(3)}")
    assert response.status_code == 200, response.text
    body = response.json()
    _assert_same_shape(body, _example("/signups/simcard-info/{iccid}"), "simcard")
    assert body == {
        "simcard_status_id": 1,
        "origin_id": 1,
        "create_date": "2026-01-01",
        "last_status_date": "2026-01-01",
        "promotion_code": "NTH_256",
        "society_id": "XFERA",
        "initial_balance": 0,
    }


def test_simcard_dates_are_the_orgs_calendar_dates(
    api: ApiCaller, session: Session, org_slug: str
) -> None:
    org = make_org(session, slug=org_slug)
    stock(session, org, numbers=0, sims=1)
    sim = session.scalars(select(SimCard).where(SimCard.org_id == org.id)).one()
    sim.last_status_at = NOW.replace(hour=23, minute=30)  # 00:30 the next day in Madrid
    session.commit()
    body = api.get(f"/signups/simcard-info/{sim.iccid}").json()
    assert (body["create_date"], body["last_status_date"]) == ("2026-03-02", "2026-03-03")
    assert body["promotion_code"] == "NTH_256"


def _wrong_check_digit(iccid: str) -> str:
    return iccid[:-1] + str((int(iccid[-1]) + 1) % 10)


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    "iccid", ["1234", "8934040000000000000x", "1" * 21, _wrong_check_digit(sim_iccid(3))]
)
def test_malformed_iccid(api: ApiCaller, iccid: str) -> None:
    _error(api.get(f"/signups/simcard-info/{iccid}"), 400, ErrorCode.INVALID_ICCID)


@pytest.mark.usefixtures("catalogue")
def test_unknown_or_other_orgs_simcard(api: ApiCaller, client: Any, session: Session) -> None:
    _error(api.get(f"/signups/simcard-info/{sim_iccid(999)}"), 404, ErrorCode.NOT_FOUND)
    other = ApiCaller(client, make_key(session, org_slug="other"), "other")
    _error(other.get(f"/signups/simcard-info/{sim_iccid(3)}"), 404, ErrorCode.NOT_FOUND)
