"""The OpenAPI document's JSON schema of an event type, as a validator (the served document)."""

from typing import Any

import jsonschema_rs
from fastapi.testclient import TestClient


def schema_validator(client: TestClient, type_name: str) -> Any:
    document = client.get("/v2/openapi.json").json()
    ref = document["webhooks"][type_name]["post"]["requestBody"]["content"]["application/json"]
    root = {**ref["schema"], "components": document["components"]}
    return jsonschema_rs.validator_for(root)
