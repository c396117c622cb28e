"""Must show 2: what the console refuses, and that a refusal writes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.console.roles import StaffRole
from mascustomers.models import (
    ComputedPenalty,
    Invoice,
    OrgClock,
    StaffSession,
    StaffUser,
    SubscriptionBlock,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionStatusChange,
    WorkOrderStatusChange,
)
from tests.catalogue_fixture import BONUS_3GB
from tests.console.conftest import sign_up
from tests.console.support import PASSWORD, Console, make_staff, sign_in, signed_in
from tests.factories import ApiCaller, make_org

XSS = "<script>alert(1)</script>"
WRITTEN = (
    SubscriptionStatusChange,
    SubscriptionProduct,
    SubscriptionBonus,
    SubscriptionBlock,
    ComputedPenalty,
    Invoice,
    WorkOrderStatusChange,
    OrgClock,
)


def _counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in WRITTEN
    }


def _actions(line: dict[str, object]) -> list[tuple[str, dict[str, str]]]:
    """One post of every kind of change the console makes."""
    sub, account = line["subscription_id"], line["account_id"]
    return [
        (f"/console/subscriptions/{sub}/product", {"product_id": "2102"}),
        (f"/console/subscriptions/{sub}/bonuses", {"bonus_id": str(BONUS_3GB)}),
        (f"/console/subscriptions/{sub}/blocks/1", {"active": "true"}),
        (f"/console/subscriptions/{sub}/termination", {"motive_id": "1"}),
        (f"/console/subscriptions/{sub}/penalties", {"reason": "mobile"}),
        (f"/console/accounts/{account}/penalties", {"reason": "unsubscribe"}),
        (f"/console/accounts/{account}/tax-province", {"state_id": "35"}),
        ("/console/billing/run", {"cycle": "2020-01"}),
        ("/console/clock/advance", {"advance_to": "2099-01-01T00:00:00Z"}),
    ]


@pytest.mark.usefixtures("catalogue")
def test_a_customer_named_like_a_script_renders_as_text(admin: Console, api: ApiCaller) -> None:
    line = sign_up(api, first_name=XSS, last_name=XSS)

    page = admin.get(f"/console/customers/{line['customer_id']}")

    assert page.status_code == 200
    assert XSS not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    searched = admin.get("/console/search", params={"by": "email", "q": XSS})
    assert XSS not in searched.text  # the refused search echoes the value escaped


@pytest.mark.usefixtures("catalogue")
def test_a_form_posted_without_the_csrf_token_is_refused_and_writes_nothing(
    admin: Console, api: ApiCaller, session: Session
) -> None:
    line = sign_up(api)
    before = _counts(session)

    for path, fields in _actions(line):
        missing = admin.post(path, fields, csrf=False)
        forged = admin.post(path, {**fields, "csrf_token": "forged"}, csrf=False)
        for answer in (missing, forged):
            assert answer.status_code == 403, (path, answer.text)
            assert "0004" in answer.text
            assert "CSRF token" in answer.text

    assert _counts(session) == before
    bonuses = api.get(f"/subscriptions/{line['subscription_id']}/bonuses").json()["items"]
    assert BONUS_3GB not in [item["id"] for item in bonuses]


@pytest.mark.usefixtures("catalogue")
def test_a_read_only_agent_sees_no_form_and_every_change_is_a_403_writing_nothing(
    client: TestClient, session: Session, org_slug: str, api: ApiCaller
) -> None:
    line = sign_up(api)
    make_staff(session, username="carla", role=StaffRole.AGENT)
    agent = signed_in(client, org=org_slug, username="carla")
    page = agent.get(f"/console/subscriptions/{line['subscription_id']}")
    assert page.status_code == 200
    assert 'action="/console/subscriptions' not in page.text  # no change form at all
    before = _counts(session)

    for path, fields in _actions(line):
        answer = agent.post(path, fields)
        assert answer.status_code == 403, (path, answer.text)
        assert "lacks the" in answer.text
        assert "Agent (read-only)" in answer.text

    assert _counts(session) == before
    detail = api.get(f"/subscriptions/{line['subscription_id']}/products").json()
    assert detail["product"]["id"] != 2102


@pytest.mark.usefixtures("catalogue")
def test_staff_of_another_org_get_404_for_this_orgs_objects(
    client: TestClient, session: Session, api: ApiCaller
) -> None:
    line = sign_up(api)
    billed = make_org(session, slug="other")
    assert billed.slug == "other"
    make_staff(session, org_slug="other", username="olga", role=StaffRole.ADMIN)
    stranger = signed_in(client, org="other", username="olga")
    before = _counts(session)

    for path in (
        f"/console/customers/{line['customer_id']}",
        f"/console/accounts/{line['account_id']}",
        f"/console/subscriptions/{line['subscription_id']}",
    ):
        answer = stranger.get(path)
        assert answer.status_code == 404, (path, answer.text)
        assert "0005" in answer.text
    searched = stranger.get("/console/search", params={"by": "phone", "q": line["number"]})
    assert searched.status_code == 404
    for path, fields in _actions(line)[:7]:  # billing and clock act on the staff's own org
        answer = stranger.post(path, fields)
        assert answer.status_code == 404, (path, answer.text)

    assert _counts(session) == before


def test_wrong_passwords_lock_the_user_out_for_a_while(
    client: TestClient, session: Session, org_slug: str
) -> None:
    limit = client.app.state.settings.console_max_failed_logins  # type: ignore[attr-defined]
    make_staff(session, org_slug=org_slug, username="ana")

    answers = [sign_in(client, username="ana", password="wrong password!") for _ in range(limit)]

    assert [a.status_code for a in answers[:-1]] == [401] * (limit - 1)
    assert answers[-1].status_code == 423
    assert "locked" in answers[-1].text
    refused = sign_in(client, username="ana", password=PASSWORD)  # the right one, too soon
    assert refused.status_code == 423
    assert "mc_console_session" not in refused.headers.get("set-cookie", "")
    user = session.scalars(select(StaffUser).where(StaffUser.username == "ana")).one()
    session.refresh(user)
    assert user.locked_until is not None
    assert user.locked_until > datetime.now(UTC) + timedelta(minutes=10)

    user.locked_until = datetime.now(UTC) - timedelta(seconds=1)  # the while has passed
    session.commit()
    assert sign_in(client, username="ana", password=PASSWORD).status_code == 303


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(
    client: TestClient, session: Session, org_slug: str
) -> None:
    make_staff(session, org_slug=org_slug, username="ana")

    unknown = sign_in(client, username="nobody", password=PASSWORD)
    wrong = sign_in(client, username="ana", password="wrong password!")

    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong organisation, user name or password." in unknown.text
    assert "Wrong organisation, user name or password." in wrong.text


def test_sign_in_attempts_from_one_address_are_throttled(
    client: TestClient, session: Session, org_slug: str
) -> None:
    make_staff(session, org_slug=org_slug, username="ana")
    throttle = client.app.state.console_throttle  # type: ignore[attr-defined]
    for _ in range(throttle.per_minute):
        assert throttle.allow("testclient")

    assert sign_in(client, username="ana", password=PASSWORD).status_code == 429


def test_sign_in_without_its_form_token_is_refused(
    client: TestClient, session: Session, org_slug: str
) -> None:
    make_staff(session, org_slug=org_slug, username="ana")
    answer = client.post(
        "/console/sign-in",
        data={"org": org_slug, "username": "ana", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert session.scalar(select(func.count()).select_from(StaffSession)) == 0


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(
    app: object, client: TestClient, session: Session, org_slug: str
) -> None:
    make_staff(session, org_slug=org_slug, username="ana")
    plain = sign_in(client, username="ana").headers["set-cookie"]
    assert "HttpOnly" in plain
    assert "SameSite=lax" in plain or "samesite=lax" in plain.lower()
    assert "secure" not in plain.lower().replace("samesite", "")

    with TestClient(client.app, base_url="https://testserver") as https:  # type: ignore[arg-type]
        secure = sign_in(https, username="ana").headers["set-cookie"]
    assert "; secure" in secure.lower()


def test_signing_out_ends_the_session_everywhere(
    admin: Console, client: TestClient, session: Session
) -> None:
    cookie = client.cookies.get("mc_console_session")
    assert admin.get("/console/").status_code == 200

    out = admin.post("/console/logout")

    assert out.status_code == 303
    assert session.scalar(select(func.count()).select_from(StaffSession)) == 0
    client.cookies.set("mc_console_session", cookie or "", path="/console")
    again = client.get("/console/", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/console/login")
