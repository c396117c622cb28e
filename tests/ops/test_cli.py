"""``mascustomers ops …`` against a real database file, data made through the HTTP API."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from mascustomers.api.app import create_app
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.cli.main import app
from mascustomers.db import migrate
from mascustomers.db.transaction import write_transaction
from mascustomers.kit.clock import clear_org_time, set_org_time
from mascustomers.models import Invoice, Subscription, WorkOrder
from mascustomers.settings import Settings
from tests.bodies import convergent_signup, mobile_line, mobile_signup, owner
from tests.catalogue_fixture import (
    BUNDLE_BIG,
    MAIN_10GB,
    PREPAID_5GB,
    load_test_catalogue,
    sim_iccid,
)
from tests.databases import fresh_database_url
from tests.factories import ApiCaller

runner = CliRunner()
NOW = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_id: str
) -> Iterator[tuple[str, Settings, ApiCaller]]:
    url = fresh_database_url(f"ops_cli_{worker_id}", tmp_path)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    migrate.upgrade(url)
    settings = Settings(database_url=url, api_key_cache_seconds=0)
    slug = f"ops{uuid.uuid4().hex[:8]}"
    with write_transaction(settings) as session:
        org = auth_service.create_org(session, slug=slug, name=slug, is_sandbox=True)
        load_test_catalogue(session, org)
        secret = auth_service.create_key(
            session, org=org, name="shop", permissions=frozenset(Permission)
        ).secret
    set_org_time(slug, NOW)
    client = TestClient(create_app(settings))
    try:
        yield slug, settings, ApiCaller(client, secret, slug)
    finally:
        clear_org_time(slug)


def ops(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["ops", *args])
    assert result.exit_code == code, result.output
    return json.loads(result.output) if code == 0 else result.output


def signup(api: ApiCaller, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/signups", json=body)
    assert response.status_code in (200, 202), response.text
    return dict(response.json())


def test_back_office_commands(world: tuple[str, Settings, ApiCaller]) -> None:
    slug, settings, api = world
    review = {"scoring_value": 300}
    held = signup(api, mobile_signup(person=owner(11111111), scoring=review))
    doomed = signup(api, mobile_signup(person=owner(22222222), scoring=review))
    shipped = signup(api, mobile_signup(person=owner(33333333)))
    in_shop = signup(
        api, mobile_signup(person=owner(44444444), line=mobile_line(iccid=sim_iccid(50)))
    )
    prepaid = signup(
        api,
        mobile_signup(
            person=owner(55555555),
            billing_type_id=2,
            line=mobile_line(PREPAID_5GB, iccid=sim_iccid(51)),
        ),
    )

    listed = ops("holds", "--org", slug)
    assert [h["sell_id"] for h in listed["holds"]] == [held["sell_id"], doomed["sell_id"]]
    approved = ops("approve", str(held["sell_id"]), "--org", slug, "--actor", "ana")
    assert approved["status"] == "COMPLETED"
    assert approved["subscriptions"][0]["status"]["value"] == "PENDIENTE ALTA"
    rejected = ops("reject", str(doomed["sell_id"]), "--org", slug)
    assert rejected["subscriptions"][0]["status"]["value"] == "CANCELADO"
    assert "not held" in ops("approve", str(held["sell_id"]), "--org", slug, code=1)

    order = ops("work-order", held["work_order_id"], "--org", slug)
    assert order["history"][-1]["modified_by"] == "ana"
    completed = ops("complete", held["work_order_id"], "--org", slug)
    assert completed["status"]["value"] == "COMPLETADA"
    cancelled = ops("cancel", shipped["work_order_id"], "--org", slug, "--reason", "desiste")
    assert cancelled["status"]["value"] == "CANCELADA"
    assert cancelled["history"][-1]["reason"] == "CANCEL: desiste (back office)"

    live = in_shop["account_info"]["subscriptions"][0]["subscription_id"]
    later = ops("terminate", str(live), "--org", slug, "--motive", "1", "--date", "2026-02-01")
    assert later["status"]["id"] == 82
    assert later["scheduled_operation_id"] is not None
    assert "not a termination or cancellation motive" in ops(
        "terminate", str(live), "--org", slug, "--motive", "77", code=1
    )

    line_id = prepaid["account_info"]["subscriptions"][0]["subscription_id"]
    recharge = ops("recharge", str(line_id), "--org", slug, "--amount", "15.50", "--origin", "4")
    assert recharge["amount"] == 15.5

    with write_transaction(settings) as session:
        line = session.get(Subscription, line_id)
        assert line is not None
        invoice = Invoice(
            org_id=line.org_id,
            account_id=line.account_id,
            number="MM00000001",
            cycle="2026-01",
            cycle_start=date(2026, 1, 1),
            cycle_end=date(2026, 1, 31),
            issued_at=datetime(2026, 1, 2, tzinfo=UTC),
            value=Decimal("5.00"),
            value_total=Decimal("6.05"),
            status_id=1,
            delivery_mode="email",
            path="/invoices/MM00000001.pdf",
        )
        session.add(invoice)
        session.flush()
        invoice_id = invoice.id
    paid = ops("pay-invoice", str(invoice_id), "--org", slug, "--date", "2026-01-14")
    assert paid["status"] == {"id": 2, "value": "PAGADO"}
    assert paid["pay_date"] == "2026-01-14"
    assert "PAGADO" in ops("pay-invoice", str(invoice_id), "--org", slug, code=1)


def test_cli_changes_follow_the_change_order_table(
    world: tuple[str, Settings, ApiCaller],
) -> None:
    slug, settings, api = world
    convergent = signup(api, convergent_signup(person=owner(66666666)))
    account_id = convergent["account_info"]["account_id"]
    body = {"account": {"account_id": account_id, "new_bundle_id": BUNDLE_BIG}}
    assert api.post("/signups/migration", json=body).status_code == 200
    with write_transaction(settings) as session:
        migration = session.scalars(
            select(WorkOrder).where(WorkOrder.account_id == account_id, WorkOrder.type_id == 4)
        ).one()
        number = migration.work_order_id
    before = ops("work-order", number, "--org", slug)["subscriptions"]
    cancelled = ops("cancel", number, "--org", slug, "--reason", "se arrepiente")
    assert cancelled["status"]["value"] == "CANCELADA"
    assert cancelled["subscriptions"] == before  # no line ended: the migration was undone
    with write_transaction(settings) as session:
        lines = session.scalars(select(Subscription).where(Subscription.account_id == account_id))
        assert {line.product_id for line in lines if line.mobile_line_type == "main"} == {MAIN_10GB}

    in_shop = signup(
        api, mobile_signup(person=owner(77777777), line=mobile_line(iccid=sim_iccid(52)))
    )
    live = in_shop["account_info"]["subscriptions"][0]["subscription_id"]
    later = ops("terminate", str(live), "--org", slug, "--motive", "1", "--date", "2026-02-01")
    assert "BAJA order" in ops("complete", later["work_order_id"], "--org", slug, code=1)
    kept = ops("cancel", later["work_order_id"], "--org", slug)
    assert kept["subscriptions"][0]["status"] == {"id": 3, "value": "ACTIVO"}
