"""A signed-in browser as the tests see it: an httpx client with the console's cookies, the
CSRF token of the signed-in page, and forms posted like a browser posts them."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.console import service as staff_service
from mascustomers.console.roles import StaffRole
from mascustomers.models import StaffUser
from tests.factories import make_org

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_staff(
    session: Session,
    *,
    org_slug: str = "telco",
    username: str = "ana",
    role: StaffRole = StaffRole.ADMIN,
    password: str = PASSWORD,
) -> StaffUser:
    org = auth_repository.get_org_by_slug(session, org_slug) or make_org(session, slug=org_slug)
    user = staff_service.create_staff(
        session, org=org, username=username, role=role, password=password, now=datetime.now(UTC)
    )
    session.commit()
    return user


def csrf_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found is not None, html[:2000]
    return found.group(1)


def sign_in(
    client: httpx.Client, *, org: str = "telco", username: str = "ana", password: str = PASSWORD
) -> httpx.Response:
    """The sign-in form fetched (its double-submit token) and posted."""
    page = client.get("/console/login")
    return client.post(
        "/console/sign-in",
        data={
            "org": org,
            "username": username,
            "password": password,
            "csrf_token": csrf_of(page.text),
            "next": "/console/",
        },
        follow_redirects=False,
    )


@dataclass
class Console:
    """A signed-in staff user's browser."""

    client: httpx.Client

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.client.get(path, **kwargs)  # type: ignore[arg-type]

    def token(self) -> str:
        return csrf_of(self.client.get("/console/").text)

    def post(
        self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True
    ) -> httpx.Response:
        fields = dict(data or {})
        if csrf:
            fields["csrf_token"] = self.token()
        return self.client.post(path, data=fields, follow_redirects=False)


def signed_in(client: httpx.Client, **kwargs: str) -> Console:
    answer = sign_in(client, **kwargs)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/console/"
    return Console(client)
