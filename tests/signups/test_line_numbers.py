"""One number per line in every answer: the fibre line is known by its landline's number.

The bundle's fixed access (FTTH, ADSL) has no number of its own; it carries the fixed number
of the landline it is associated with. The signup answer (``fixed_number`` and
``associated_number``), ``GET subscriptions/{id}`` (``identification_nr``) and ``users/tree``
(``identification_nr``) all show that number for it.
"""

from typing import Any

import pytest
from sqlalchemy.orm import Session

from mascustomers.models import Subscription
from tests.bodies import convergent_signup, owner
from tests.factories import ApiCaller

pytestmark = pytest.mark.usefixtures("catalogue")
LANDLINE, FTTH, TV = 3, 4, 6


def signup(api: ApiCaller, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/signups", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def answered(result: dict[str, Any], type_id: int) -> dict[str, Any]:
    return next(s for s in result["account_info"]["subscriptions"] if s["type"] == type_id)


def tree_numbers(api: ApiCaller, number: str) -> dict[int, int | None]:
    response = api.get("/users/tree", params={"number": number})
    assert response.status_code == 200, response.text
    return {
        line["id"]: line["identification_nr"]
        for account in response.json()["accounts"]
        for line in account["subscriptions"]
    }


def detail_number(api: ApiCaller, subscription_id: int) -> int | None:
    response = api.get(f"/subscriptions/{subscription_id}")
    assert response.status_code == 200, response.text
    return response.json()["identification_nr"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("given", [None, "914567890"], ids=["new number", "own number"])
def test_the_fibre_line_shows_its_landlines_number_everywhere(
    api: ApiCaller, session: Session, given: str | None
) -> None:
    body = convergent_signup(person=owner(30000071))
    if given is not None:
        body["products"]["bundle"]["landline"]["number"] = given
    result = signup(api, body)
    landline, ftth, tv = (answered(result, t) for t in (LANDLINE, FTTH, TV))
    number = landline["fixed_number"]
    assert number == given or (given is None and number.startswith("828"))

    # The signup answer
    assert (landline["fixed_number"], landline["associated_number"]) == (number, None)
    assert (ftth["fixed_number"], ftth["associated_number"]) == (number, number)
    assert (tv["fixed_number"], tv["associated_number"]) == (None, number)
    # GET subscriptions/{id}
    assert detail_number(api, landline["subscription_id"]) == int(number)
    assert detail_number(api, ftth["subscription_id"]) == int(number)
    assert detail_number(api, tv["subscription_id"]) is None  # TV has no line number
    # users/tree, found by that number
    numbers = tree_numbers(api, number)
    assert numbers[landline["subscription_id"]] == int(number)
    assert numbers[ftth["subscription_id"]] == int(number)
    assert numbers[tv["subscription_id"]] is None
    # Stored once: the landline holds the number, the fibre line points at it.
    stored = session.get(Subscription, ftth["subscription_id"])
    assert stored is not None
    assert (stored.identification_nr, stored.associated_number) == (None, number)
