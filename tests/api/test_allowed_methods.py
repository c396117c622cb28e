"""A 405 names, in ``Allow``, every method its path serves, on every path (OPTIONS included:
it is served nowhere, so it is a 405 too). Generated over every served route."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from mascustomers.api.registry import served_routes

PROBED = ("OPTIONS", "GET", "POST", "PUT", "PATCH", "DELETE")


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def _url(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", template.replace("{orgId}", "telco"))


def served_methods(app: FastAPI) -> dict[str, set[str]]:
    """Each route's path filled in, with the methods of every route whose template matches
    it (``penalties/1`` is both ``penalties/{accountId}`` and ``penalties/{computePenaltyId}``)."""
    routes = [(_pattern(route.path), route.methods or set()) for route in served_routes(app)]
    return {
        url: {method for pattern, methods in routes if pattern.fullmatch(url) for method in methods}
        for url in {_url(route.path) for route in served_routes(app)}
    }


def test_every_405_allows_every_method_of_its_path(app: FastAPI, client: TestClient) -> None:
    paths = served_methods(app)
    assert len(paths) > 60
    probed = 0
    for url, methods in sorted(paths.items()):
        for method in PROBED:
            if method in methods:
                continue
            response = client.request(method, url)
            label = (method, url, response.headers.get("allow"), response.text[:200])
            assert response.status_code == 405, label
            assert response.json()["code"] == "0006", label
            allowed = {m.strip() for m in response.headers["allow"].split(",")}
            assert allowed == methods, label
            probed += 1
    assert probed > 300


def test_options_on_signups_names_get_and_post(client: TestClient) -> None:
    response = client.options("/v2/orgs/telco/signups")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
