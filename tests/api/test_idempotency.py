"""Idempotency-Key: a retried write gets the stored answer and writes nothing more."""

import pytest
from sqlalchemy.orm import Session

from tests.bodies import mobile_signup, owner
from tests.factories import ApiCaller
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue")


def test_same_key_same_body_replays(api: ApiCaller, session: Session) -> None:
    body = mobile_signup()
    first = api.post("/signups", json=body, headers={"Idempotency-Key": "order-1"})
    assert first.status_code == 200, first.text
    before = row_counts(session)
    again = api.post("/signups", json=body, headers={"Idempotency-Key": "order-1"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert row_counts(session) == before


def test_same_key_other_body_is_refused(api: ApiCaller, session: Session) -> None:
    assert (
        api.post("/signups", json=mobile_signup(), headers={"Idempotency-Key": "k"}).status_code
        == 200
    )
    before = row_counts(session)
    other = api.post(
        "/signups", json=mobile_signup(person=owner(99999999)), headers={"Idempotency-Key": "k"}
    )
    assert other.status_code == 400
    assert other.json()["code"] == "0013"
    assert row_counts(session) == before


def test_failed_request_does_not_burn_the_key(api: ApiCaller) -> None:
    bad = mobile_signup()
    bad["payment"]["billing_type_id"] = 2  # a postpaid tariff on a prepaid account: refused
    assert api.post("/signups", json=bad, headers={"Idempotency-Key": "k2"}).status_code == 400
    good = api.post("/signups", json=mobile_signup(), headers={"Idempotency-Key": "k2"})
    assert good.status_code == 200, good.text
