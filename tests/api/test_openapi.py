"""The served OpenAPI document lists the reference's operations with their status codes."""

from fastapi.testclient import TestClient

from mascustomers.routing.operations import operations
from tests.factories import ApiCaller

METHODS = {"get", "post", "put", "patch", "delete"}


def test_openapi_lists_every_reference_operation(client: TestClient) -> None:
    document = client.get("/v2/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    served = {
        (method.upper(), path): entry
        for path, item in document["paths"].items()
        for method, entry in item.items()
        if method in METHODS
    }
    reference = {op.key: op for op in operations()}
    assert set(reference) <= set(served)
    extensions = {key for key in served if key not in reference}
    documented = {
        ("GET", "/v2/orgs/{orgId}/signups"),
        ("GET", "/v2/orgs/{orgId}/signups/available-iccids"),
    }
    assert all(
        "/catalogue" in path or "/ops/" in path or (method, path) in documented
        for method, path in extensions
    ), f"undocumented operations served: {sorted(extensions)}"
    for key in extensions:
        responses = served[key]["responses"]
        assert "422" not in responses
        assert {"400", "401", "403"} <= set(responses)
    for key, op in reference.items():
        entry = served[key]
        assert {str(s) for s in op.statuses} <= set(entry["responses"]), key
        assert "422" not in entry["responses"], key
        assert entry["tags"] == [op.tag]
        assert bool(entry.get("deprecated")) == op.deprecated, key
        for status, response in entry["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorMessage"}


def test_reference_examples_are_in_the_document(client: TestClient) -> None:
    document = client.get("/v2/openapi.json").json()
    signup = document["paths"]["/v2/orgs/{orgId}/signups"]["post"]
    example = signup["requestBody"]["content"]["application/json"]["example"]
    assert example["sales_type"] == "telecomunications"
    assert "sell_id" in signup["responses"]["200"]["content"]["application/json"]["example"]


def test_unbuilt_operations_answer_501(api: ApiCaller, client: TestClient) -> None:
    document = client.get("/v2/openapi.json").json()
    stubs = [
        (method, path)
        for path, item in document["paths"].items()
        for method, entry in item.items()
        if method in METHODS and "501" in entry["responses"]
    ]
    for method, path in stubs:
        url = path.replace("{orgId}", api.org).replace("{", "").replace("}", "")
        response = api.request(method.upper(), url)
        assert response.status_code == 501, (method, path, response.text)
        assert response.json()["code"] == "0009"
        assert "not implemented" in response.json()["detailMsg"]


def test_deprecated_operations_carry_the_header(api: ApiCaller) -> None:
    response = api.get("/subscriptions/1/services")
    assert response.headers.get("deprecation") == "true"


def test_docs_are_served_from_local_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs/static/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    asset = client.get("/docs/static/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.content) > 100_000


def test_answers_without_a_body_are_documented_without_content(client: TestClient) -> None:
    """The reference's "OK Successful operation" with no example: the answer has no body (no
    content type) and the document declares none (conformance checks each answer against it)."""
    paths = client.get("/v2/openapi.json").json()["paths"]
    penalty = paths["/v2/orgs/{orgId}/penalties/{computePenaltyId}"]
    for method in ("put", "delete"):
        assert "content" not in penalty[method]["responses"]["200"]
    line = "/v2/orgs/{orgId}/subscriptions/{subscriptionId}"
    for path, method, status in (
        (f"{line}/blocks/{{blockId}}", "patch", "201"),
        (f"{line}/services/{{serviceId}}", "patch", "201"),
        (f"{line}/bonuses", "put", "201"),
        (f"{line}/bonuses/{{bonusId}}", "delete", "202"),
    ):
        assert "content" not in paths[path][method]["responses"][status], (path, method)


def test_signup_description_names_the_fields_of_its_clients_attributes(client: TestClient) -> None:
    """The reference shows ``clients.attributes`` as ``[{}]``; the description says what goes in
    it, and every field it names is one the served schema has."""
    import re

    document = client.get("/v2/openapi.json").json()
    description = document["paths"]["/v2/orgs/{orgId}/signups"]["post"]["description"]
    assert "schema ``ClientAttributes``" in description
    assert "docs/first-signup.md" in description
    properties = document["components"]["schemas"]["ClientAttributes"]["properties"]
    assert "role" in properties
    named = {name for name in re.findall(r"``([a-z_]+)``", description) if len(name) > 1}
    fields = named - {"clients", "attributes", "owner", "line_user", "company", "responsable"}
    address = properties["address"]
    reference = next(
        (item["$ref"] for item in address.get("anyOf", [address]) if "$ref" in item), None
    )
    assert reference is not None
    address_fields = document["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"]
    assert {"document_type_id", "document_value", "first_name", "postal_code"} <= fields
    unknown = fields - set(properties) - set(address_fields)
    assert not unknown, sorted(unknown)
