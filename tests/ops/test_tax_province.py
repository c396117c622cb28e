"""A customer moves: the account's tax province changes and the history keeps the old one."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import AccountTax
from tests.bodies import mobile_signup
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")


def test_move_to_canarias(api: ApiCaller, session: Session) -> None:
    account_id = api.post("/signups", json=mobile_signup()).json()["account_info"]["account_id"]
    moved = api.post(f"/ops/accounts/{account_id}/tax-province", json={"state_id": 35})
    assert moved.status_code == 200, moved.text
    assert moved.json()["description"] == "IGIC"
    assert moved.json()["tax_value"] == 7
    tax = api.get(
        f"/accounts/{account_id}/tax", params={"include_historical_changes": "true"}
    ).json()
    assert tax["state_id"] == 35
    assert [h["state_id"] for h in tax["historical_changes"]] == [28]
    periods = session.scalars(select(AccountTax).where(AccountTax.account_id == account_id)).all()
    assert [p.end_at is None for p in periods] == [False, True]
    same = api.post(f"/ops/accounts/{account_id}/tax-province", json={"state_id": 35})
    assert same.status_code == 200
    assert (
        len(session.scalars(select(AccountTax).where(AccountTax.account_id == account_id)).all())
        == 2
    )
    assert api.post("/ops/accounts/999999/tax-province", json={"state_id": 35}).status_code == 404
    assert (
        api.post(f"/ops/accounts/{account_id}/tax-province", json={"state_id": 53}).status_code
        == 400
    )
