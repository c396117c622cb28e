"""Documents that are generated from code stay in step with it."""

from pathlib import Path

from mascustomers.api.error_docs import render_error_document

ROOT = Path(__file__).resolve().parents[2]


def test_error_document_is_current() -> None:
    written = (ROOT / "docs" / "errors.md").read_text()
    regenerate = "python -m mascustomers.api.error_docs > docs/errors.md"
    assert written == render_error_document(), f"run: {regenerate}"


def test_error_codes_are_unique() -> None:
    from mascustomers.errors import ErrorCode

    codes = [e.code for e in ErrorCode]
    assert len(codes) == len(set(codes))
    assert all(len(code) == 4 and code.isdigit() for code in codes)


def test_work_order_document_is_current() -> None:
    from mascustomers.workorders.change_docs import render_document

    written = (ROOT / "docs" / "work-orders.md").read_text()
    regenerate = "python -m mascustomers.workorders.change_docs > docs/work-orders.md"
    assert written == render_document(), f"run: {regenerate}"


def test_readme_states_the_demo_iccids_as_stored() -> None:
    """The demo stocks ICCID bodies; the README names the stored cards, check digit included."""
    import re

    from mascustomers.cli.demo import DEMO_ICCIDS
    from mascustomers.inventory.loader import parse_iccid_range

    cards = parse_iccid_range(DEMO_ICCIDS)
    first, last = next(iter(cards.values())), list(cards.values())[-1]
    readme = (ROOT / "README.md").read_text()
    assert f"ICCIDs {first}-{last}" in " ".join(readme.split())
    assert f"{first} … {last}" in readme
    added = re.search(r"inventory add .*--iccids (\d+-\d+)", readme)
    assert added is not None
    assert parse_iccid_range(added.group(1)) == cards


def test_make_run_serves_on_the_host_and_port_given() -> None:
    """README: ``make run HOST=… PORT=…``; the demo prints that address and the server binds it."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry_run = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "run", "HOST=0.0.0.0", "PORT=8081"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "mascustomers demo --host 0.0.0.0 --port 8081" in dry_run
    assert "mascustomers serve --host 0.0.0.0 --port 8081 --with-scheduler" in dry_run
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "make run HOST=" in readme or "make run PORT=" in readme
