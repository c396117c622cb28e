from collections.abc import Iterator

import pytest

from tests.penalties.support import OrgTime, frozen_org_time


@pytest.fixture
def clock(org_slug: str) -> Iterator[OrgTime]:
    """The org's time frozen on 2026-01-15 until the test moves it."""
    yield from frozen_org_time(org_slug)
