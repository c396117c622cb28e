"""Keyword-only factories with sensible defaults, writing through the domain services."""

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.models import Org


def make_org(session: Session, *, slug: str = "telco", is_sandbox: bool = True) -> Org:
    existing = auth_repository.get_org_by_slug(session, slug)
    if existing is not None:
        return existing
    org = auth_service.create_org(session, slug=slug, name=slug.title(), is_sandbox=is_sandbox)
    session.commit()
    return org


def make_key(
    session: Session,
    *,
    org_slug: str = "telco",
    permissions: frozenset[Permission] = frozenset(Permission),
    name: str = "test-key",
) -> str:
    org = make_org(session, slug=org_slug)
    created = auth_service.create_key(session, org=org, name=name, permissions=permissions)
    session.commit()
    return created.secret


@dataclass
class ApiCaller:
    """A TestClient bound to one key and org; paths are relative to ``/v2/orgs/{org}``."""

    client: TestClient
    key: str
    org: str

    def url(self, path: str) -> str:
        return path if path.startswith("/v2/") else f"/v2/orgs/{self.org}{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"x-api-key": self.key, **kwargs.pop("headers", {})}
        return self.client.request(method, self.url(path), headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)
