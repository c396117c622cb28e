"""The CLI against a real database file: orgs and API keys."""

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mascustomers.api.app import create_app
from mascustomers.cli.main import app
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.demo import customers as demo_data
from mascustomers.models import WorkOrder
from mascustomers.settings import Settings
from tests.databases import fresh_database_url

runner = CliRunner()


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_id: str) -> str:
    url = fresh_database_url(f"cli_{worker_id}", tmp_path)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    migrate.upgrade(url)
    return url


def test_org_and_key_lifecycle(cli_database: str) -> None:
    slug = f"org{uuid.uuid4().hex[:8]}"
    created = runner.invoke(app, ["org", "create", slug, "--sandbox"])
    assert created.exit_code == 0, created.output
    again = runner.invoke(app, ["org", "create", slug])
    assert again.exit_code == 1
    assert "already exists" in again.output

    made = runner.invoke(
        app, ["apikey", "create", "--org", slug, "--name", "shop", "--permissions", "users,signups"]
    )
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    listing = runner.invoke(app, ["apikey", "list", "--org", slug])
    assert "shop" in listing.output
    assert secret not in listing.output
    key_id = listing.output.split("\t")[0]

    client = TestClient(create_app(Settings(database_url=cli_database, api_key_cache_seconds=0)))
    ok = client.get(f"/v2/orgs/{slug}/users/tree", headers={"x-api-key": secret})
    assert ok.status_code not in (401, 403)
    denied = client.get(f"/v2/orgs/{slug}/accounts/1", headers={"x-api-key": secret})
    assert denied.status_code == 403

    revoked = runner.invoke(app, ["apikey", "revoke", key_id, "--org", slug])
    assert revoked.exit_code == 0, revoked.output
    after = client.get(f"/v2/orgs/{slug}/users/tree", headers={"x-api-key": secret})
    assert after.status_code == 401


def test_unknown_permission_is_refused(cli_database: str) -> None:
    result = runner.invoke(
        app, ["apikey", "create", "--org", "x", "--name", "n", "--permissions", "root"]
    )
    assert result.exit_code != 0
    assert "unknown permissions" in result.output


def _demo_key(output: str) -> str:
    return next(line.split(": ")[1] for line in output.splitlines() if "API key" in line)


def test_demo_prints_a_working_key(cli_database: str) -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "inventory: 10000 numbers and 10000 SIM cards added" in result.output
    # Two of the demo's orders are held by risk on purpose (ops/risk-holds approve, reject).
    assert "8 demo customers signed up on " in result.output
    assert "(risk a, a, a, a, a, r, r, a)" in result.output
    assert "billing: 3 invoices issued for " in result.output
    secret = _demo_key(result.output)
    client = TestClient(create_app(Settings(database_url=cli_database)))
    headers = {"x-api-key": secret}
    response = client.get("/v2/openapi.json", headers=headers)
    assert response.status_code == 200
    tree = client.get("/v2/orgs/telco/users/tree?email=a@b.es", headers=headers)
    assert tree.status_code not in (401, 403)
    master = client.get("/v2/orgs/telco/signups/master-data", headers=headers)
    assert master.status_code == 200
    assert len(master.json()["states"]) == 52
    products = client.get("/v2/orgs/telco/catalogue/products", headers=headers)
    assert products.status_code == 200
    assert len(products.json()["products"]) == 32
    numbers = client.get("/v2/orgs/telco/signups/available-msisdns/YOIGO", headers=headers)
    assert len(numbers.json()["available_msisdns"]) == 10


def test_demo_customers_and_a_second_run(cli_database: str) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 0, again.output
    assert "unchanged, already loaded" in again.output
    assert "the number pool is stocked already" in again.output
    assert "the org has customers already" in again.output
    client = TestClient(create_app(Settings(database_url=cli_database)))
    headers = {"x-api-key": _demo_key(again.output)}
    found = client.get(
        "/v2/orgs/telco/users/tree", params={"email": demo_data.CONVERGENT_EMAIL}, headers=headers
    )
    if found.status_code == 501:
        pytest.skip("users/tree is not built yet")
    assert found.status_code == 200, found.text
    [account] = found.json()["accounts"]
    types = sorted(line["subscription_type"]["id"] for line in account["subscriptions"])
    assert types == [2, 2, 3, 4, 6]  # two mobile lines, landline, fibre, TV
    customers = set()
    for email in demo_data.DEMO_EMAILS:
        tree = client.get("/v2/orgs/telco/users/tree", params={"email": email}, headers=headers)
        assert tree.status_code == 200, (email, tree.text)
        customers.add(tree.json()["customer_id"])
    assert len(customers) == len(demo_data.PEOPLE)


def test_demo_generates_a_population(cli_database: str) -> None:
    result = runner.invoke(app, ["demo", "--customers", "40"])
    assert result.exit_code == 0, result.output
    assert "40 generated customers added" in result.output
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from mascustomers.db.engine import make_engine
    from mascustomers.models import Customer

    engine = make_engine(cli_database)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 40 + len(
            demo_data.PEOPLE
        )
    engine.dispose()


def test_demo_customer_survives_a_cancelled_migration(cli_database: str) -> None:
    """Issue 14: cancelling the migration's work order used to cancel her lines and account."""
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    client = TestClient(create_app(Settings(database_url=cli_database)))
    headers = {"x-api-key": _demo_key(result.output)}
    params = {"email": demo_data.CONVERGENT_EMAIL}
    before = client.get("/v2/orgs/telco/users/tree", params=params, headers=headers)
    assert before.status_code == 200, before.text
    [account] = before.json()["accounts"]
    body = {"account": {"account_id": account["id"], "new_bundle_id": 950}}
    migrated = client.post("/v2/orgs/telco/signups/migration", json=body, headers=headers)
    assert migrated.status_code == 200, migrated.text
    engine = make_engine(cli_database)
    with Session(engine) as session:
        order = session.scalars(
            select(WorkOrder).where(WorkOrder.account_id == account["id"], WorkOrder.type_id == 4)
        ).one()
    engine.dispose()
    cancel = {
        "seller": "D001",
        "workorderid": order.work_order_id,
        "changetype": "CANCEL",
        "parameters": "{}",
        "reason": "se arrepiente",
    }
    answer = client.post("/v2/workorders/change-order", json=cancel, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["errorVO"]["error_code"] == "0"
    after = client.get("/v2/orgs/telco/users/tree", params=params, headers=headers)
    assert after.status_code == 200, after.text
    assert after.json() == before.json()
