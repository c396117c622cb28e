"""GET accounts/{accountId}/tax: current tax by province, history in a window, bad dates."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import format_timestamp
from mascustomers.models import AccountTax
from tests.accounts.helpers import account_id, convergent, signup
from tests.bodies import mobile_signup, owner
from tests.customers.shapes import assert_shape, reference_example
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")

EXAMPLE = reference_example("GET", "/accounts/{accountId}/tax")
MOVED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def move_to_canarias(session: Session, account: int) -> AccountTax:
    """What a change of province leaves behind: the old period closed, a new one open."""
    current = session.scalars(select(AccountTax).where(AccountTax.account_id == account)).one()
    current.start_at = datetime(2025, 1, 1, tzinfo=UTC)
    current.end_at = MOVED
    session.add(
        AccountTax(
            account_id=account,
            state_id=35,
            description="IGIC",
            tax_value=Decimal("7.00"),
            tax_terminal_value=Decimal("7.00"),
            start_at=MOVED,
        )
    )
    session.commit()
    return current


def test_current_tax_of_a_mainland_account(api: ApiCaller, session: Session) -> None:
    account = account_id(convergent(api, 51000001))
    stored = session.scalars(select(AccountTax).where(AccountTax.account_id == account)).one()

    response = api.get(f"/accounts/{account}/tax")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": account,
        "tax_value": 21,
        "tax_terminal_value": 21,
        "state_id": 28,
        "description": "IVA",
        "start_date": format_timestamp(stored.start_at),
    }


def test_canary_islands_pay_igic(api: ApiCaller) -> None:
    address = {"state_id": 35, "locality": "LAS PALMAS", "postal_code": "35001"}
    person = owner(51000002, address={**owner()["address"], **address})
    account = account_id(signup(api, mobile_signup(person=person)))
    body = api.get(f"/accounts/{account}/tax").json()
    assert (body["description"], body["tax_value"], body["state_id"]) == ("IGIC", 7, 35)


def test_history_after_a_change_of_province(api: ApiCaller, session: Session) -> None:
    account = account_id(convergent(api, 51000003))
    move_to_canarias(session, account)

    response = api.get(f"/accounts/{account}/tax", params={"include_historical_changes": "true"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert_shape(body, EXAMPLE)
    assert (body["state_id"], body["description"], body["tax_value"]) == (35, "IGIC", 7)
    assert body["start_date"] == "2026-03-01T09:30:00Z"
    assert body["historical_changes"] == [
        {
            "tax_value": 21,
            "tax_terminal_value": 21,
            "state_id": 28,
            "description": "IVA",
            "start_date": "2025-01-01T00:00:00Z",
            "end_date": "2026-03-01T09:30:00Z",
        }
    ]


@pytest.mark.parametrize(
    ("start", "end", "found"),
    [
        ("2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z", 0),
        ("2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z", 1),
        ("2026-03-01T09:30:00Z", None, 1),
        ("2026-03-01T09:30:01Z", None, 0),
        (None, "2025-01-01T00:00:00Z", 1),
        (None, "2024-12-31T00:00:00+01:00", 0),
    ],
)
def test_history_window(
    api: ApiCaller, session: Session, start: str | None, end: str | None, found: int
) -> None:
    account = account_id(convergent(api, 51000004))
    move_to_canarias(session, account)
    params = {"include_historical_changes": "true"}
    if start:
        params["historical_changes_start_date"] = start
    if end:
        params["historical_changes_end_date"] = end
    body = api.get(f"/accounts/{account}/tax", params=params).json()
    assert len(body["historical_changes"]) == found


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"historical_changes_start_date": "yesterday"}, "historical_changes_start_date"),
        ({"historical_changes_end_date": "2026-13-01T00:00:00Z"}, "historical_changes_end_date"),
        (
            {
                "historical_changes_start_date": "2026-02-01T00:00:00Z",
                "historical_changes_end_date": "2026-01-01T00:00:00Z",
            },
            "historical_changes_end_date",
        ),
        ({"include_historical_changes": "maybe"}, "include_historical_changes"),
    ],
)
def test_bad_dates_are_400(api: ApiCaller, params: dict[str, str], field: str) -> None:
    account = account_id(convergent(api, 51000005))
    response = api.get(f"/accounts/{account}/tax", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "0001"
    assert field in response.json()["detailMsg"]
