"""Every failure is an ErrorMessage: 400 (never 422), 404, 405, 413, 500 without internals."""

from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from mascustomers.api import app as app_module
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.db.dependencies import SessionDep
from mascustomers.errors import ValidationFailed
from mascustomers.models import Org
from mascustomers.routing.v2_route import V2Route
from mascustomers.settings import Settings
from tests.factories import make_key


class Address(BaseModel):
    postal_code: str
    state_id: int


class Probe(BaseModel):
    name: str
    count: int
    address: Address


probe_router = APIRouter(route_class=V2Route)
EXTRA = {"x-permission": Permission.OPERATIONS.value}


@probe_router.post("/v2/orgs/{orgId}/probe", openapi_extra=EXTRA)
async def probe(orgId: str, body: Probe) -> dict[str, str]:  # noqa: N803
    return {"name": body.name}


@probe_router.post("/v2/orgs/{orgId}/probe/crash", openapi_extra=EXTRA)
async def crash(orgId: str) -> None:  # noqa: N803
    raise RuntimeError("secret internals: password=hunter2")


@probe_router.post("/v2/orgs/{orgId}/probe/write-then-fail", openapi_extra=EXTRA)
async def write_then_fail(orgId: str, session: SessionDep) -> None:  # noqa: N803
    auth_service.create_org(session, slug="half-written", name="x")
    raise ValidationFailed("rule broken after a write")


@probe_router.post("/v2/orgs/{orgId}/probe/write-then-crash", openapi_extra=EXTRA)
async def write_then_crash(orgId: str, session: SessionDep) -> None:  # noqa: N803
    auth_service.create_org(session, slug="half-written", name="x")
    raise RuntimeError("boom")


@pytest.fixture
def probe_client(
    settings: Settings, engine: Engine, connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setattr(app_module, "implemented_routers", lambda: [probe_router])
    app: FastAPI = app_module.create_app(settings, engine=engine)
    app.state.sessionmaker = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def key(session: Session) -> str:
    return make_key(session, org_slug="telco")


def _is_error_message(body: dict[str, object], code: str) -> None:
    assert set(body) == {"code", "status", "message", "detailMsg"}
    assert body["code"] == code


def test_malformed_json_is_400(probe_client: TestClient, key: str) -> None:
    response = probe_client.post(
        "/v2/orgs/telco/probe",
        content=b'{"name": "x", ',
        headers={"x-api-key": key, "content-type": "application/json"},
    )
    assert response.status_code == 400
    _is_error_message(response.json(), "0002")


def test_wrong_types_name_the_field(probe_client: TestClient, key: str) -> None:
    body = {"name": "x", "count": "many", "address": {"postal_code": "28001", "state_id": "M"}}
    response = probe_client.post("/v2/orgs/telco/probe", json=body, headers={"x-api-key": key})
    assert response.status_code == 400
    _is_error_message(response.json(), "0001")
    detail = response.json()["detailMsg"]
    assert "count" in detail
    assert "address.state_id" in detail


def test_missing_body_is_400(probe_client: TestClient, key: str) -> None:
    response = probe_client.post("/v2/orgs/telco/probe", headers={"x-api-key": key})
    assert response.status_code == 400


def test_unknown_path_is_404(api_client: TestClient) -> None:
    response = api_client.get("/v2/orgs/telco/no-such-thing")
    assert response.status_code == 404
    _is_error_message(response.json(), "0005")


def test_wrong_method_is_405(api_client: TestClient) -> None:
    response = api_client.put("/v2/orgs/telco/signups")
    assert response.status_code == 405
    _is_error_message(response.json(), "0006")


def test_body_over_one_mebibyte_is_413(probe_client: TestClient, key: str) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    response = probe_client.post(
        "/v2/orgs/telco/probe",
        content=big,
        headers={"x-api-key": key, "content-type": "application/json"},
    )
    assert response.status_code == 413
    _is_error_message(response.json(), "0007")


def test_chunked_body_over_limit_is_413(probe_client: TestClient, key: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    response = probe_client.post(
        "/v2/orgs/telco/probe",
        content=chunks(),
        headers={"x-api-key": key, "content-type": "application/json"},
    )
    assert response.status_code == 413


def test_unhandled_error_is_500_without_internals(probe_client: TestClient, key: str) -> None:
    response = probe_client.post("/v2/orgs/telco/probe/crash", headers={"x-api-key": key})
    assert response.status_code == 500
    _is_error_message(response.json(), "0008")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    request_id = response.headers["x-request-id"]
    assert request_id in response.json()["detailMsg"]


@pytest.mark.parametrize("route", ["write-then-fail", "write-then-crash"])
def test_failed_request_writes_nothing(
    probe_client: TestClient, key: str, session: Session, route: str
) -> None:
    response = probe_client.post(f"/v2/orgs/telco/probe/{route}", headers={"x-api-key": key})
    assert response.status_code in (400, 500)
    count = session.scalar(select(func.count()).select_from(Org).where(Org.slug == "half-written"))
    assert count == 0


def test_every_response_has_a_request_id(api_client: TestClient) -> None:
    response = api_client.get("/health/live")
    assert len(response.headers["x-request-id"]) >= 16
    echoed = api_client.get("/health/live", headers={"x-request-id": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"


@pytest.fixture
def api_client(client: TestClient, session: Session) -> TestClient:
    client.headers["x-api-key"] = make_key(session, org_slug="telco")
    return client
