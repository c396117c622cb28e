"""A client generated from the served document keeps every operation and every schema.

``openapi-python-client`` (pinned in the dev dependencies) names a model after a schema's
title: two classes with one name (published as ``mascustomers__ops__schemas__IdValue``) made
it drop the schemas and every operation that used them, with only a warning.
"""

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

PACKAGE = "mascustomers_generated_client"
# The invoice PDF is bytes to a client: the generator only knows that as octet-stream.
GENERATOR_CONFIG = "content_type_overrides:\n  application/pdf: application/octet-stream\n"


def _schemas(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/v2/openapi.json").json()["components"]["schemas"])


def test_every_schema_has_one_clear_unique_name(client: TestClient) -> None:
    schemas = _schemas(client)
    mangled = [name for name in schemas if "__" in name or "-" in name]
    assert mangled == []
    titles = [schema.get("title", name) for name, schema in schemas.items()]
    assert sorted(t for t in set(titles) if titles.count(t) > 1) == []
    assert [name for name, schema in schemas.items() if schema.get("title", name) != name] == []


def generate(document: dict[str, Any], into: Path) -> subprocess.CompletedProcess[str]:
    (into / "openapi.json").write_text(json.dumps(document))
    (into / "config.yaml").write_text(GENERATOR_CONFIG)
    bin_dir = Path(sys.executable).parent
    # The generator formats its output with ruff, which it looks for on PATH.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(into / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(into / PACKAGE),
            "--config",
            str(into / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture
def demo_document(demo: tuple[TestClient, str]) -> dict[str, Any]:
    """The document ``make run`` serves: working examples and all."""
    return dict(demo[0].get("/v2/openapi.json").json())


@pytest.fixture
def generated(demo_document: dict[str, Any], tmp_path: Path) -> Iterator[ModuleType]:
    result = generate(demo_document, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Anything beyond "Generating <path>" is a warning: a dropped schema or operation.
    assert output.strip().splitlines() == [f"Generating {tmp_path / PACKAGE}"], output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_signs_up_and_reads_the_line(
    generated: ModuleType, demo: tuple[TestClient, str], demo_document: dict[str, Any]
) -> None:
    test_client, key = demo
    test_client.headers["x-api-key"] = key
    client = generated.Client(base_url="http://testserver")
    client.set_httpx_client(test_client)
    models = _module("models")
    media = demo_document["paths"]["/v2/orgs/{orgId}/signups"]["post"]["requestBody"]["content"]
    body = media["application/json"]["examples"]["works"]["value"]

    signed = _module("api.signups.post_signups").sync_detailed(
        org_id="telco", client=client, body=models.SignupCreate.from_dict(body)
    )

    assert signed.status_code == 200, signed.content
    result = signed.parsed
    assert isinstance(result, models.SignupResult)
    line = result.account_info.subscriptions[0]
    assert line.msisdn == body["products"]["mobile_line"]["msisdn"]
    read = _module("api.subscriptions.get_subscriptions_subscription_id").sync(
        org_id="telco", subscription_id=line.subscription_id, client=client
    )
    assert isinstance(read, models.SubscriptionDetail)
    assert read.id == line.subscription_id
    assert read.iccid == body["products"]["mobile_line"]["iccid"]
    products = _module("api.products.get_subscriptions_subscription_id_products").sync(
        org_id="telco", subscription_id=line.subscription_id, client=client
    )
    assert isinstance(products, models.SubscriptionProducts)
    assert products.product.id == body["products"]["mobile_line"]["product_id"]
    holds = _module("api.operations.list_risk_holds").sync(org_id="telco", client=client)
    assert isinstance(holds, models.HeldOrders)
    assert len(holds.holds) == 2
