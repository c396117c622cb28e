"""Signups for the account tests, and another org's caller."""

from typing import Any

from sqlalchemy.orm import Session

from tests.bodies import convergent_signup, owner
from tests.factories import ApiCaller, make_key


def signup(api: ApiCaller, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/signups", json=body)
    assert response.status_code in (200, 202), response.text
    result: dict[str, Any] = response.json()
    return result


def convergent(api: ApiCaller, number: int, **extra: Any) -> dict[str, Any]:
    return signup(api, convergent_signup(person=owner(number), **extra))


def account_id(result: dict[str, Any]) -> int:
    found: int = result["account_info"]["account_id"]
    return found


def other_org(api: ApiCaller, session: Session) -> ApiCaller:
    return ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
