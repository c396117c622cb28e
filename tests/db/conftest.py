from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.db.probe_table import PROBE


@pytest.fixture
def probe(engine: Engine) -> Iterator[None]:
    PROBE.create(engine, checkfirst=True)
    yield
    PROBE.drop(engine)
