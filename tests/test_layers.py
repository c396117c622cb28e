"""``make lint`` runs ``lint-imports``: the layers and the no-cycle contracts of pyproject.toml.

Checked here both ways: the tree keeps them, and a copy of the tree given one new import that
points up (or round in a circle) breaks them, so a cycle cannot come back unnoticed.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree / "src")},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """The project's sources and contracts, with ``line`` added at the end of ``module``."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "src" / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    return tmp_path


def test_the_tree_keeps_its_contracts(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "mascustomers.settings", "# unchanged"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # A domain low in the order reaching up: a new package cycle (catalog ← signups).
        (
            "mascustomers.catalog.service",
            "from mascustomers.signups import service as _signups",
            "mascustomers.catalog is not allowed to import mascustomers.signups",
        ),
        # The work-order leaf reaching back up to what uses it.
        (
            "mascustomers.workorders.service",
            "from mascustomers.subscriptions import service as _subscriptions",
            "mascustomers.workorders is not allowed to import mascustomers.subscriptions",
        ),
        # The database layer reaching up to the models built on it.
        (
            "mascustomers.db.engine",
            "from mascustomers import models as _models",
            "mascustomers.db is not allowed to import mascustomers.models",
        ),
        # Two modules of one package importing each other (the layers cannot see it).
        (
            "mascustomers.workorders.states",
            "from mascustomers.workorders import change_types as _change_types",
            "No cycles are allowed in mascustomers.workorders",
        ),
    ],
)
def test_a_new_cycle_fails_the_lint(tmp_path: Path, module: str, line: str, broken: str) -> None:
    result = _lint(_copy_with(tmp_path, module, line))
    assert result.returncode == 1, result.stdout
    assert broken in result.stdout


def test_every_package_has_its_layer() -> None:
    """A new package (or top-level module) is placed in the layers, not left outside them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")
    layered = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    source = ROOT / "src" / "mascustomers"
    present = {p.name for p in source.iterdir() if (p / "__init__.py").exists()}
    present |= {p.stem for p in source.glob("*.py") if p.stem != "__init__"}
    assert present == layered
