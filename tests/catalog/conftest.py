"""Fixtures of the catalogue tests."""

import pytest
from sqlalchemy.orm import Session

from mascustomers.models import Org
from tests.factories import make_org


@pytest.fixture
def org(session: Session, org_slug: str) -> Org:
    return make_org(session, slug=org_slug)
