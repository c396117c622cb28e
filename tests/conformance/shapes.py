"""Compare a response body with the reference's example: same fields, same JSON types."""

from typing import Any


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_mismatches(example: Any, actual: Any, path: str = "$") -> list[str]:
    """Every place where ``actual`` lacks a field of ``example`` or has another JSON type.

    A ``null`` in the example says nothing about the type; an empty array in the response
    cannot show its items, which is reported so that tests use data that fills every list.
    """
    expected = json_type(example)
    if expected == "null":
        return []
    found = json_type(actual)
    if found == "null":
        return []  # an absent optional value (the reference marks none as required)
    if expected != found:
        return [f"{path}: expected {expected}, got {found}"]
    if expected == "object":
        problems = []
        for key, value in example.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(shape_mismatches(value, actual[key], f"{path}.{key}"))
        return problems
    if expected == "array" and example:
        if not actual:
            return [f"{path}: empty, its items cannot be checked"]
        return [p for item in actual for p in shape_mismatches(example[0], item, f"{path}[]")]
    return []
