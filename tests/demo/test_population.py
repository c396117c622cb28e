"""The bulk population is consistent: every row has its parents, numbers and SIMs are unique."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.demo.population import populate
from mascustomers.models import Account, Customer, Msisdn, SimCard, Subscription
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")


def test_population_is_consistent_and_served(session: Session, api: ApiCaller) -> None:
    org = auth_repository.get_org_by_slug(session, "telco")
    assert org is not None
    populate(session, org_id=org.id, customers=300, now=datetime(2026, 11, 1, tzinfo=UTC))
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Customer) == 300
    assert count(Account) == 300
    assert (
        session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(~Customer.id.in_(select(Account.customer_id)))
        )
        == 0
    )
    mobile = session.scalar(
        select(func.count()).select_from(Subscription).where(Subscription.iccid.is_not(None))
    )
    held = lambda model: session.scalar(  # noqa: E731
        select(func.count()).select_from(model).where(model.subscription_id.is_not(None))
    )
    assert held(Msisdn) == mobile
    assert held(SimCard) == mobile
    assert (
        session.scalar(select(func.count(func.distinct(Subscription.identification_nr)))) == mobile
    )
    types = set(session.scalars(select(Subscription.type_id).distinct()))
    assert {1, 2, 4} <= types  # prepaid, postpaid and fibre lines
    # Generated data works with the API: a new signup still gets fresh ids and numbers.
    from tests.bodies import mobile_signup

    response = api.post("/signups", json=mobile_signup())
    assert response.status_code == 200, response.text
    assert response.json()["account_info"]["account_number"] not in set(
        session.scalars(
            select(Account.account_number).where(
                Account.id != response.json()["account_info"]["account_id"]
            )
        )
    )
