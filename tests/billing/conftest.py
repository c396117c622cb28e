"""Billing tests change the org's test clock through the API: forget it between tests."""

from collections.abc import Iterator

import pytest

from mascustomers.auth.caller import test_clocks


@pytest.fixture(autouse=True)
def _forget_test_clocks() -> Iterator[None]:
    test_clocks.forget()
    yield
    test_clocks.forget()
