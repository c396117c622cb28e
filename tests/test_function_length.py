"""No function of the service is longer than 60 lines (migrations aside): split before that."""

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "mascustomers"
LONGEST = 60


def test_no_function_is_longer_than_60_lines() -> None:
    long = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > LONGEST:
                    long.append(f"{path.relative_to(SOURCE)}:{node.lineno} {node.name} {length}")
    assert long == []
