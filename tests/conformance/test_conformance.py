"""Contract conformance: every built operation answers the reference's example request with a
documented status and a body carrying every field of the reference's example response."""

import pytest

from tests.conformance.runner import run_all
from tests.factories import ApiCaller


@pytest.mark.usefixtures("catalogue")
def test_every_built_operation_conforms(api: ApiCaller) -> None:
    outcomes = run_all(api)
    built = [o for o in outcomes if o.implemented]
    assert built, "no operation is built"
    failures = {o.label: o.problems for o in built if o.problems}
    assert failures == {}
