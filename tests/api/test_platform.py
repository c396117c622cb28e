"""Health, readiness and metrics."""

from fastapi.testclient import TestClient

from tests.factories import ApiCaller


def test_health(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    assert client.get("/health/ready").json() == {"status": "ok"}


def test_metrics_count_requests_by_route_and_status(api: ApiCaller, client: TestClient) -> None:
    api.get("/signups/master-data")
    api.get("/users/tree")
    text = client.get("/metrics").text
    assert "http_requests_total" in text
    assert 'route="/v2/orgs/{orgId}/users/tree"' in text
    assert "http_request_duration_seconds_bucket" in text
