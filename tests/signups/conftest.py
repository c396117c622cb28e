import pytest
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from tests.catalogue_fixture import load_test_catalogue


@pytest.fixture
def catalogue(session: Session, org_slug: str) -> None:
    org = auth_repository.get_org_by_slug(session, org_slug)
    assert org is not None
    load_test_catalogue(session, org)
    session.commit()
