"""GET accounts/{accountId}/terms: promotion and terminal permanences, newest end first."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import clock_for
from mascustomers.models import Commitment
from tests.accounts.helpers import account_id, convergent, signup
from tests.bodies import mobile_signup, owner
from tests.catalogue_fixture import PROMO_BUNDLE, PROMO_LINE_50
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXAMPLE = reference_example("GET", "/accounts/{accountId}/terms")
SCORING = {"scoring_value": 800, "credit_limit_available": "1000"}
MADRID = ZoneInfo("Europe/Madrid")


def local_date(timestamp: str) -> str:
    """The Madrid calendar date a ``...Z`` timestamp starts, checking it is a midnight."""
    instant = datetime.fromisoformat(timestamp).astimezone(MADRID)
    assert (instant.hour, instant.minute, instant.second) == (0, 0, 0), timestamp
    return instant.date().isoformat()


def test_terms_of_a_convergent_account(api: ApiCaller, session: Session) -> None:
    result = convergent(api, 54000001, devices=True, scoring=SCORING)
    account = account_id(result)
    main = next(s for s in result["account_info"]["subscriptions"] if s["subscription_terminal_id"])

    response = api.get(f"/accounts/{account}/terms")

    assert response.status_code == 200, response.text
    terms = response.json()
    assert_shape(terms, EXAMPLE, doubles=frozenset({"penalty_amount"}))
    assert [t["associated_type"] for t in terms] == ["terminal", "promotion", "promotion"]
    terminal, *promotions = terms
    today = clock_for(None).today()
    assert local_date(terminal["start_date"]) == today.isoformat()
    assert local_date(terminal["end_date"]) == (today + relativedelta(months=24)).isoformat()
    assert terminal["subscription_id"] == main["subscription_id"]
    assert terminal["penalty_amount"] == 150.0
    assert terminal["terms_months"] == 24
    assert terminal["binding_type"] == {"id": 24, "value": "24 MESES"}
    assert terminal["promotion"] == {
        "id": None,
        "value": None,
        "description": "PERMANENCIA TERMINAL 150E 24M",
    }
    assert terminal["associated_terminal"] == {
        "id": main["subscription_terminal_id"],
        "value": "Apple iPhone 16 128GB Negro",
    }
    by_promotion = {t["promotion"]["id"]: t for t in promotions}
    line = by_promotion[PROMO_LINE_50]
    assert line["promotion"] == {
        "id": PROMO_LINE_50,
        "value": "NTH_256",
        "description": "MM_50% DTO 12 MESES",
    }
    assert line["binding_type"] == {"id": 12, "value": "12 MESES"}
    assert line["associated_terminal"] is None
    assert line["subscription_id"] == next(
        s["subscription_id"] for s in result["account_info"]["subscriptions"] if s["type"] == 2
    )
    bundle = by_promotion[PROMO_BUNDLE]
    assert bundle["subscription_id"] is None
    assert bundle["account_bundle_id"] == line["account_bundle_id"] is not None
    assert bundle["penalty_amount"] == 100.0


def test_cancelled_commitments_are_not_terms(api: ApiCaller, session: Session) -> None:
    account = account_id(convergent(api, 54000002))
    first = session.scalars(select(Commitment).where(Commitment.account_id == account)).first()
    assert first is not None
    first.cancelled_at = clock_for(None).now()
    session.commit()
    assert len(api.get(f"/accounts/{account}/terms").json()) == 1


def test_no_terms(api: ApiCaller) -> None:
    account = account_id(signup(api, mobile_signup(person=owner(54000003))))
    response = api.get(f"/accounts/{account}/terms")
    assert response.status_code == 200
    assert response.json() == []
