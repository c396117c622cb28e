"""PATCH users/agile-tv: the TV subscription's registration email, and its 400/404 paths."""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.identity_documents import make_nif
from mascustomers.models import Subscription
from tests.bodies import convergent_signup, owner
from tests.factories import ApiCaller, make_key

pytestmark = pytest.mark.usefixtures("catalogue")

NIF = make_nif(40000001)


@pytest.fixture
def bundle(api: ApiCaller) -> dict[str, Any]:
    response = api.post("/signups", json=convergent_signup(person=owner(40000001)))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def registration_emails(session: Session, result: dict[str, Any]) -> dict[int, str | None]:
    session.expire_all()
    rows = session.execute(
        select(Subscription.type_id, Subscription.registration_email).where(
            Subscription.account_id == result["account_info"]["account_id"],
            Subscription.type_id.in_([6, 12]),
        )
    ).all()
    return {row.type_id: row.registration_email for row in rows}


def change(**extra: Any) -> dict[str, Any]:
    body = {
        "old_email": "LUCIA.TV@example.ES",
        "new_email": "Nueva.TV@Example.es",
        "document_number": NIF,
    }
    body.update(extra)
    return body


def test_changes_the_tv_registration_email(
    api: ApiCaller, session: Session, bundle: dict[str, Any]
) -> None:
    assert registration_emails(session, bundle) == {
        6: "lucia.tv@example.es",
        12: "lucia.tv@example.es",
    }
    tv = next(s for s in bundle["account_info"]["subscriptions"] if s["type"] == 6)

    response = api.patch("/users/agile-tv", json=change(document_number=NIF.lower()))

    assert response.status_code == 200, response.text
    assert response.json() == {
        "document_number": NIF,
        "registration_email": "nueva.tv@example.es",
        "subscription_ids": [tv["subscription_id"]],
    }
    # Only the TV line (type 6); the Netflix line with the same email keeps it.
    assert registration_emails(session, bundle) == {
        6: "nueva.tv@example.es",
        12: "lucia.tv@example.es",
    }


@pytest.mark.parametrize(
    "body",
    [
        change(old_email="other@example.es"),
        change(document_number=make_nif(40000002)),
    ],
)
def test_no_matching_tv_subscription_is_404(
    api: ApiCaller, session: Session, bundle: dict[str, Any], body: dict[str, Any]
) -> None:
    response = api.patch("/users/agile-tv", json=body)
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "0005"
    assert registration_emails(session, bundle)[6] == "lucia.tv@example.es"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (change(new_email="not-an-email"), "new_email"),
        (change(old_email="a@b"), "old_email"),
        # 83 characters: one over the limit.
        (change(new_email="lucia@" + "x" * 40 + "." + "y" * 33 + ".es"), "new_email"),
        ({"old_email": "lucia.tv@example.es", "document_number": NIF}, "new_email"),
        (change(document_number=""), "document_number"),
        (change(document_number="#"), "document_number"),
    ],
)
def test_bad_body_is_400(
    api: ApiCaller, session: Session, bundle: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    response = api.patch("/users/agile-tv", json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["detailMsg"]
    assert registration_emails(session, bundle)[6] == "lucia.tv@example.es"


def test_another_orgs_customer_is_404(
    api: ApiCaller, session: Session, bundle: dict[str, Any]
) -> None:
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    response = other.patch("/users/agile-tv", json=change())
    assert response.status_code == 404
    assert registration_emails(session, bundle)[6] == "lucia.tv@example.es"
