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
