"""Idempotency-Key: a retried write gets the stored answer and writes nothing more."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.errors import IdempotencyKeyInProgress, ValidationFailed
from mascustomers.idempotency.keys import RunningKeys, fingerprint, keyed_write
from mascustomers.models import IdempotentRequest
from mascustomers.scheduler.housekeeping import purge_idempotency_answers
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


def test_bodies_are_compared_as_parsed_json(api: ApiCaller, session: Session) -> None:
    """Key order and whitespace do not make another request (Stripe compares parameters)."""
    body = mobile_signup()
    first = api.post("/signups", json=body, headers={"Idempotency-Key": "json-1"})
    assert first.status_code == 200, first.text
    before = row_counts(session)
    reordered = json.dumps(_reversed(body), indent=3).encode()
    again = api.post(
        "/signups",
        content=reordered,
        headers={"Idempotency-Key": "json-1", "content-type": "application/json"},
    )
    assert again.status_code == 200, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert row_counts(session) == before


def test_another_path_or_query_with_the_same_key_is_refused(api: ApiCaller) -> None:
    body = mobile_signup()
    assert api.post("/signups", json=body, headers={"Idempotency-Key": "p"}).status_code == 200
    other = api.post("/signups/subscriptions", json=body, headers={"Idempotency-Key": "p"})
    assert (other.status_code, other.json()["code"]) == (400, "0013")


def test_a_held_answer_is_replayed_with_its_status(api: ApiCaller, session: Session) -> None:
    """202 (risk review) is an answer like any other: the retry gets it, nothing more is held."""
    body = mobile_signup(scoring={"scoring_value": 300})
    first = api.post("/signups", json=body, headers={"Idempotency-Key": "held"})
    assert first.status_code == 202, first.text
    before = row_counts(session)
    again = api.post("/signups", json=body, headers={"Idempotency-Key": "held"})
    assert (again.status_code, again.json()) == (202, first.json())
    assert row_counts(session) == before


def test_an_answer_without_body_is_replayed_without_body(api: ApiCaller, session: Session) -> None:
    line = api.post("/signups", json=mobile_signup()).json()["account_info"]["subscriptions"][0]
    path = f"/subscriptions/{line['subscription_id']}/bonuses"
    added = api.put(path, json={"bonusId": 10}, headers={"Idempotency-Key": "bonus"})
    assert added.status_code == 201, added.text
    before = row_counts(session)
    again = api.put(path, json={"bonusId": 10}, headers={"Idempotency-Key": "bonus"})
    assert (again.status_code, again.content) == (201, added.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert row_counts(session) == before


def test_the_answer_is_stored_with_the_operation(api: ApiCaller, session: Session) -> None:
    """One row per answered key, written by the request itself; a refused request leaves none."""
    bad = mobile_signup()
    bad["payment"]["billing_type_id"] = 2
    assert api.post("/signups", json=bad, headers={"Idempotency-Key": "s1"}).status_code == 400
    assert _stored(session, "s1") is None
    ok = api.post("/signups", json=mobile_signup(), headers={"Idempotency-Key": "s1"})
    stored = _stored(session, "s1")
    assert stored is not None
    assert (stored.status_code, stored.response) == (200, ok.json())


def test_an_expired_key_runs_again(api: ApiCaller, session: Session) -> None:
    """After ``idempotency_key_hours`` the key is free: another request may use it."""
    assert (
        api.post("/signups", json=mobile_signup(), headers={"Idempotency-Key": "old"}).status_code
        == 200
    )
    _age(session, "old", hours=25)
    other = mobile_signup(person=owner(77777777))
    fresh = api.post("/signups", json=other, headers={"Idempotency-Key": "old"})
    assert fresh.status_code == 200, fresh.text
    assert "idempotent-replayed" not in fresh.headers
    stored = _stored(session, "old")
    assert stored is not None
    assert stored.response == fresh.json()


def test_housekeeping_purges_expired_answers(
    api: ApiCaller, session: Session, connection: Connection
) -> None:
    for key in ("keep", "drop-1", "drop-2"):
        body = mobile_signup(person=owner(abs(hash(key)) % 90_000_000 + 10_000_000))
        assert api.post("/signups", json=body, headers={"Idempotency-Key": key}).status_code == 200
    _age(session, "drop-1", hours=30)
    _age(session, "drop-2", hours=24, minutes=1)
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    assert purge_idempotency_answers(factory, keep_hours=24) == 2
    assert [_stored(session, k) is not None for k in ("keep", "drop-1", "drop-2")] == [
        True,
        False,
        False,
    ]


def test_a_key_must_be_short() -> None:
    with pytest.raises(ValidationFailed):
        keyed_write("x" * 201, org_id=1, method="POST", path="/p", query="", body=b"{}")


def test_fingerprint_ignores_key_order_whitespace_and_query_order() -> None:
    one = fingerprint("POST", "/p", "b=2&a=1", b'{"a": 1, "b": [1, {"c": 2, "d": 3}]}')
    two = fingerprint("POST", "/p", "a=1&b=2", b'{"b":[1,{"d":3,"c":2}],"a":1}')
    assert one == two
    assert fingerprint("POST", "/p", "", b'{"a": 1}') != fingerprint("POST", "/p", "", b'{"a": 2}')
    assert fingerprint("POST", "/p", "", b"[1, 2]") != fingerprint("POST", "/p", "", b"[2, 1]")


def test_a_running_key_answers_409() -> None:
    running = RunningKeys()
    write = keyed_write("k", org_id=1, method="POST", path="/p", query="", body=b"{}")
    other_org = keyed_write("k", org_id=2, method="POST", path="/p", query="", body=b"{}")
    with running.running(write):
        with pytest.raises(IdempotencyKeyInProgress), running.running(write):
            pass
        with running.running(other_org):
            pass
    with running.running(write):  # free again once the first answered
        pass


def _reversed(document: Any) -> Any:
    if isinstance(document, dict):
        return {key: _reversed(document[key]) for key in reversed(list(document))}
    if isinstance(document, list):
        return [_reversed(item) for item in document]
    return document


def _stored(session: Session, key: str) -> IdempotentRequest | None:
    session.expire_all()
    return session.scalars(select(IdempotentRequest).where(IdempotentRequest.key == key)).first()


def _age(session: Session, key: str, **ago: int) -> None:
    stored = _stored(session, key)
    assert stored is not None
    stored.created_at = datetime.now(UTC) - timedelta(**ago)
    session.commit()
