"""Compare a response with the reference's own example: the same keys, the same JSON types."""

from typing import Any

from mascustomers.routing.operations import operations_by_key


def reference_example(method: str, path: str, status: str = "200") -> Any:
    """The reference's example response of ``method`` ``/v2/orgs/{orgId}<path>``."""
    operation = operations_by_key()[(method, f"/v2/orgs/{{orgId}}{path}")]
    return operation.response_examples[status]


def assert_shape(
    actual: Any, example: Any, *, doubles: frozenset[str] = frozenset(), where: str = "$"
) -> None:
    """``actual`` has exactly the example's keys, and each non-null value the example's type.

    ``doubles`` names keys the reference types as number (double) whose example happens to be
    a whole number (``"penalty_amount": 0``): any JSON number is accepted there.
    """
    if example is None or actual is None:
        return
    if isinstance(example, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        assert set(actual) == set(example), (
            f"{where}: keys differ: missing {sorted(set(example) - set(actual))}, "
            f"extra {sorted(set(actual) - set(example))}"
        )
        for key, value in example.items():
            field = f"{where}.{key}"
            if key in doubles and isinstance(value, int):
                assert isinstance(actual[key], int | float) or actual[key] is None, field
                continue
            assert_shape(actual[key], value, doubles=doubles, where=field)
    elif isinstance(example, list):
        assert isinstance(actual, list), f"{where}: expected an array, got {actual!r}"
        for index, item in enumerate(actual):
            assert_shape(item, example[0], doubles=doubles, where=f"{where}[{index}]")
    elif isinstance(example, bool):
        assert isinstance(actual, bool), f"{where}: expected a boolean, got {actual!r}"
    elif isinstance(example, int):
        assert type(actual) is int, f"{where}: expected an integer, got {actual!r}"
    elif isinstance(example, float):
        assert type(actual) in (int, float), f"{where}: expected a number, got {actual!r}"
    else:
        assert isinstance(actual, str), f"{where}: expected a string, got {actual!r}"
