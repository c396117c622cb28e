"""401/403 for every registered v2 route, generated from the app's route table."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mascustomers.api.app import create_app
from mascustomers.api.registry import served_routes
from mascustomers.auth.dependencies import route_permission
from mascustomers.auth.permissions import Permission
from mascustomers.settings import Settings
from tests.factories import make_key


def _v2_routes() -> list[tuple[str, str, Permission]]:
    app: FastAPI = create_app(Settings(database_url="sqlite://"))
    return [
        (method, route.path, route_permission(route))
        for route in served_routes(app)
        if route.path.startswith("/v2/") and route.include_in_schema
        for method in sorted(route.methods)
    ]


ROUTES = _v2_routes()


def test_route_table_is_complete() -> None:
    assert len(ROUTES) >= 39


def _url(path: str, org: str) -> str:
    path = path.replace("{orgId}", org)
    return re.sub(r"{\w+}", "1", path)


def _ids() -> list[str]:
    return [f"{m} {p}" for m, p, _ in ROUTES]


@pytest.mark.parametrize(("method", "path", "permission"), ROUTES, ids=_ids())
def test_route_requires_a_valid_key(
    client: TestClient, session: Session, method: str, path: str, permission: Permission
) -> None:
    make_key(session, org_slug="telco")
    url = _url(path, "telco")
    missing = client.request(method, url)
    assert missing.status_code == 401
    assert missing.json()["code"] == "0003"
    wrong = client.request(method, url, headers={"x-api-key": "mck_not-a-key"})
    assert wrong.status_code == 401
    bearer_wrong = client.request(method, url, headers={"Authorization": "Bearer nope"})
    assert bearer_wrong.status_code == 401


@pytest.mark.parametrize(("method", "path", "permission"), ROUTES, ids=_ids())
def test_route_refuses_other_orgs_and_missing_permissions(
    client: TestClient, session: Session, method: str, path: str, permission: Permission
) -> None:
    other_org_key = make_key(session, org_slug="othertel")
    lacking = make_key(session, org_slug="telco", permissions=frozenset(Permission) - {permission})
    only_this = make_key(session, org_slug="telco", permissions=frozenset({permission}))
    if "{orgId}" in path:
        other = client.request(method, _url(path, "telco"), headers={"x-api-key": other_org_key})
        assert other.status_code == 403
        assert other.json()["code"] == "0011"
    denied = client.request(method, _url(path, "telco"), headers={"x-api-key": lacking})
    assert denied.status_code == 403
    assert denied.json()["code"] == "0004"
    allowed = client.request(
        method, _url(path, "telco"), headers={"Authorization": f"Bearer {only_this}"}
    )
    assert allowed.status_code not in (401, 403), allowed.text


def test_revoked_key_is_refused(client: TestClient, session: Session) -> None:
    from mascustomers.auth import service as auth_service

    key = make_key(session, org_slug="telco")
    org = auth_service.get_org(session, slug="telco")
    stored = auth_service.list_keys(session, org=org)[-1]
    auth_service.revoke_key(session, org=org, key_id=stored.id)
    session.commit()
    response = client.get("/v2/orgs/telco/signups/master-data", headers={"x-api-key": key})
    assert response.status_code == 401
