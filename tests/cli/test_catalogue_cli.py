"""``mascustomers catalogue`` and ``mascustomers inventory`` against a real database file."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mascustomers.cli.main import app
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.inventory import service as inventory_service
from mascustomers.models import Org
from tests.catalog.shipped import raw_shipped, row_counts, without
from tests.databases import fresh_database_url
from tests.factories import make_org

runner = CliRunner()


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_id: str) -> Iterator[Engine]:
    url = fresh_database_url(f"cli_catalogue_{worker_id}", tmp_path)
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        make_org(session, slug="telco")
    yield engine
    engine.dispose()


def _write(tmp_path: Path, raw: object, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return row_counts(session)


def test_load_the_shipped_catalogue_twice(engine: Engine) -> None:
    first = runner.invoke(app, ["catalogue", "load", "--org", "telco", "--shipped"])
    assert first.exit_code == 0, first.output
    assert ": loaded" in first.output
    assert "products: 32 new, 0 updated, 0 removed, 0 unchanged" in first.output
    counts = _counts(engine)
    assert counts["catalogue_product"] == 32
    again = runner.invoke(app, ["catalogue", "load", "--org", "telco", "--shipped"])
    assert again.exit_code == 0, again.output
    assert "unchanged, already loaded" in again.output
    assert _counts(engine) == counts


def test_load_a_changed_file(engine: Engine, tmp_path: Path) -> None:
    assert runner.invoke(app, ["catalogue", "load", "--org", "telco", "--shipped"]).exit_code == 0
    raw = raw_shipped()
    raw["version"] = "2026.12.1"
    next(p for p in raw["products"] if p["id"] == 381)["monthly_price"] = "11.00"
    result = runner.invoke(app, ["catalogue", "load", "--org", "telco", str(_write(tmp_path, raw))])
    assert result.exit_code == 0, result.output
    assert "catalogue version 2026.12.1" in result.output
    assert "products: 0 new, 1 updated, 0 removed, 31 unchanged; updated 381" in result.output


def test_an_invalid_file_is_refused_whole(engine: Engine, tmp_path: Path) -> None:
    before = _counts(engine)
    raw = raw_shipped()
    raw["products"][0]["monthly_price"] = -1
    raw["products"][1]["billing_types"] = []
    raw["devices"][0]["category"] = "TOASTER"
    result = runner.invoke(app, ["catalogue", "load", "--org", "telco", str(_write(tmp_path, raw))])
    assert result.exit_code == 1
    assert "is not a valid catalogue (3 problem(s))" in result.output
    problems = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(problems) == 3
    assert any("products[0].monthly_price" in line for line in problems)
    assert any("products[1].billing_types" in line for line in problems)
    assert any("devices[0].category" in line for line in problems)
    assert _counts(engine) == before
    checked = runner.invoke(app, ["catalogue", "check", str(tmp_path / "catalogue.yaml")])
    assert checked.exit_code == 1


def test_broken_yaml_and_missing_files(engine: Engine, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("products: [\n", encoding="utf-8")
    result = runner.invoke(app, ["catalogue", "load", "--org", "telco", str(broken)])
    assert result.exit_code == 1
    assert "not valid YAML" in result.output
    missing = runner.invoke(app, ["catalogue", "load", "--org", "telco", str(tmp_path / "no")])
    assert missing.exit_code == 1
    assert "cannot read the file" in missing.output
    neither = runner.invoke(app, ["catalogue", "load", "--org", "telco"])
    assert neither.exit_code != 0
    unknown_org = runner.invoke(app, ["catalogue", "load", "--org", "nobody", "--shipped"])
    assert unknown_org.exit_code == 1
    assert "org 'nobody' not found" in unknown_org.output


def test_check_a_valid_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalogue", "check", str(_write(tmp_path, raw_shipped()))])
    assert result.exit_code == 0, result.output
    assert "valid catalogue version 2026.11.1" in result.output


def test_removing_an_item_in_use_is_refused(engine: Engine, tmp_path: Path) -> None:
    from mascustomers.demo import customers as demo_customers
    from mascustomers.models import AccountBundle, Customer

    assert runner.invoke(app, ["catalogue", "load", "--org", "telco", "--shipped"]).exit_code == 0
    assert runner.invoke(app, ["demo"]).exit_code == 0  # signs up customers on bundle 954
    before = _counts(engine)
    assert before[Customer.__tablename__] == len(demo_customers.PEOPLE)
    assert before[AccountBundle.__tablename__] == 1
    raw = without(without(without(raw_shipped(), 954), 3036), 7004)
    result = runner.invoke(app, ["catalogue", "load", "--org", "telco", str(_write(tmp_path, raw))])
    assert result.exit_code == 1
    assert "load refused, nothing changed; 3 item(s) in use" in result.output
    assert "products id 3036: used by 1 subscriptions, 1 tariff history rows" in result.output
    assert "bundles id 954: used by 1 account bundles" in result.output
    assert "devices id 7004: used by 1 sold terminals" in result.output
    assert _counts(engine) == before


def test_inventory_add_is_idempotent(engine: Engine) -> None:
    arguments = [
        *("inventory", "add", "--org", "telco", "--msisdns", "600000000-600001999"),
        *("--iccids", "8934040000000000000-8934040000000001499", "--promotion-code", "NTH_256"),
    ]
    first = runner.invoke(app, arguments)
    assert first.exit_code == 0, first.output
    assert "numbers 600000000-600001999: 2000 added, 0 already in the pool" in first.output
    assert "SIM cards 8934040000000000000-8934040000000001499: 1500 added" in first.output
    counts = _counts(engine)
    again = runner.invoke(app, arguments)
    assert again.exit_code == 0, again.output
    assert "0 added, 2000 already in the pool" in again.output
    assert "0 added, 1500 already in stock" in again.output
    assert _counts(engine) == counts
    with Session(engine) as session:
        org = session.query(Org).filter_by(slug="telco").one()
        assert inventory_service.stock_counts(session, org_id=org.id) == {
            "numbers": 2000,
            "numbers_available": 2000,
            "sims": 1500,
            "sims_available": 1500,
        }
    shown = runner.invoke(app, ["inventory", "show", "--org", "telco"])
    assert "numbers: 2000 (2000 available)" in shown.output


@pytest.mark.parametrize(
    "arguments",
    [
        ["--msisdns", "900000000-900000010"],
        ["--iccids", "8934040000000000-8934040000000001"],
        ["--msisdns", "600000000-600000010", "--host-cfg", "MOVISTAR"],
        ["--iccids", "893404000000000000", "--fabrication-type", "42"],
        ["--iccids", "893404000000000000", "--initial-balance", "lots"],
        [],
    ],
)
def test_inventory_add_refuses_bad_input(engine: Engine, arguments: list[str]) -> None:
    before = _counts(engine)
    result = runner.invoke(app, ["inventory", "add", "--org", "telco", *arguments])
    assert result.exit_code != 0
    assert _counts(engine) == before
