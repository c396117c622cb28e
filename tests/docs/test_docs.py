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
