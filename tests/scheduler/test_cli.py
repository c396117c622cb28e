"""``mascustomers scheduler|clock|billing`` against a database file."""

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mascustomers.cli.main import app
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import Invoice, Org
from tests.billing.world import madrid
from tests.catalogue_fixture import MAIN_30GB
from tests.scheduler.conftest import T0, FileWorld

runner = CliRunner()


@pytest.fixture
def cli_world(file_world: FileWorld, monkeypatch: pytest.MonkeyPatch) -> FileWorld:
    monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", file_world.url)
    return file_world


def test_scheduler_tick(cli_world: FileWorld) -> None:
    [line] = cli_world.schedule_changes(1, due=T0)
    result = runner.invoke(app, ["scheduler", "tick"])
    assert result.exit_code == 0, result.output
    assert "PRODUCT_CHANGE" in result.output
    assert "DONE" in result.output
    assert cli_world.line(line).product_id == MAIN_30GB
    again = runner.invoke(app, ["scheduler", "tick"])
    assert (again.exit_code, again.output) == (0, "")


def test_clock_advance_runs_and_bills(cli_world: FileWorld, tmp_path: Path) -> None:
    [line] = cli_world.schedule_changes(1, due=T0 + timedelta(days=2))
    org = cli_world.org_slug
    shown = runner.invoke(app, ["clock", "show", "--org", org])
    assert format_timestamp(T0) in shown.output
    assert "test clock" in shown.output

    back = runner.invoke(app, ["clock", "advance", "--org", org, "--to", "2020-01-01T00:00:00Z"])
    assert back.exit_code == 1
    assert "before the org's time" in back.output

    target = format_timestamp(madrid(2027, 4, 1, 12))
    moved = runner.invoke(app, ["clock", "advance", "--org", org, "--to", target])
    assert moved.exit_code == 0, moved.output
    assert "PRODUCT_CHANGE" in moved.output
    assert "billing 2027-03\t1 invoices" in moved.output
    assert cli_world.line(line).product_id == MAIN_30GB

    rerun = runner.invoke(app, ["billing", "run", "--org", org, "--cycle", "2027-03"])
    assert rerun.exit_code == 0, rerun.output
    assert "0 invoices" in rerun.output
    early = runner.invoke(app, ["billing", "run", "--org", org, "--cycle", "2027-04"])
    assert early.exit_code == 1
    assert "ends at" in early.output

    with cli_world.session() as session:
        org_row = session.get(Org, cli_world.org_id)
        assert org_row is not None
        invoice = session.query(Invoice).filter(Invoice.org_id == org_row.id).one()
    out = tmp_path / "invoice.pdf"
    written = runner.invoke(
        app, ["billing", "pdf", "--org", org, "--number", invoice.number, "--out", str(out)]
    )
    assert written.exit_code == 0, written.output
    assert out.read_bytes().startswith(b"%PDF")
