"""An org's own time zone decides its dates: an org created with ``--timezone Atlantic/Canary``
has its days start at Canary midnight, not at the server's or Madrid's."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.models import ScheduledOperation
from tests.bodies import mobile_line, mobile_signup
from tests.factories import ApiCaller
from tests.penalties.support import OrgTime, frozen_org_time, post_signup

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def canary(session: Session, org_slug: str) -> Iterator[OrgTime]:
    """The org in the Canary Islands (one hour behind Madrid), its time frozen."""
    org = auth_repository.get_org_by_slug(session, org_slug)
    assert org is not None
    org.timezone = "Atlantic/Canary"
    session.flush()
    yield from frozen_org_time(org_slug)


def test_a_ported_lines_window_opens_at_the_orgs_midnight(
    api: ApiCaller, session: Session, canary: OrgTime
) -> None:
    ported = mobile_line(
        msisdn="655000112",
        portability_info={
            "scheduled_date": "2026-02-02",
            "operator_id": "MOVISTAR",
            "donor_line_type": "C",
        },
    )
    signed = post_signup(api, mobile_signup(line=ported))
    subscription_id = signed["account_info"]["subscriptions"][0]["subscription_id"]
    operation = session.scalars(
        select(ScheduledOperation).where(
            ScheduledOperation.subscription_id == subscription_id,
            ScheduledOperation.kind == "PORTABILITY_WINDOW",
        )
    ).one()
    # Canary midnight in winter is 00:00 UTC; Madrid's would be 23:00 UTC the day before.
    assert operation.due_at.astimezone(UTC) == datetime(2026, 2, 2, tzinfo=UTC)
