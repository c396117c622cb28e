"""The served OpenAPI document: FastAPI's schemas plus the reference's codes and examples."""

import re
from typing import Any

from fastapi import FastAPI
from fastapi._compat import get_definitions, get_flat_models_from_fields, get_model_name_map
from fastapi.openapi.utils import get_fields_from_routes, get_openapi
from fastapi.routing import APIRoute

from mascustomers.api.error_handlers import error_body
from mascustomers.api.registry import served_routes
from mascustomers.errors import ErrorCode
from mascustomers.events.documents import webhooks as event_webhooks
from mascustomers.routing.operations import Operation, operations_by_key

ERROR_REF = {"$ref": "#/components/schemas/ErrorMessage"}
_AUTH_ERRORS = {401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.PERMISSION_DENIED}
_ERROR_BY_STATUS = {
    400: ErrorCode.VALIDATION_FAILED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    501: ErrorCode.NOT_IMPLEMENTED,
    **_AUTH_ERRORS,
}
ERROR_MESSAGE_SCHEMA: dict[str, Any] = {
    "title": "ErrorMessage",
    "type": "object",
    "required": ["code", "status", "message", "detailMsg"],
    "properties": {
        "code": {"type": "string", "description": "zero-padded error code", "example": "0001"},
        "status": {"type": "string", "example": "BAD_REQUEST"},
        "message": {"type": "string"},
        "detailMsg": {"type": "string"},
    },
}


def _error_example(status: int, example: Any) -> dict[str, Any]:
    """The reference's error example, with 2.38's string code and the ``detailMsg`` spelling."""
    error = _ERROR_BY_STATUS.get(status, ErrorCode.VALIDATION_FAILED)
    body = error_body(error, "")
    if isinstance(example, dict):
        code = example.get("code")
        if isinstance(code, int):
            body["code"] = f"{code:04d}"
        body["detailMsg"] = str(example.get("detailMsg") or example.get("DetailMsg") or "")
        if isinstance(example.get("status"), str) and example["status"] != "string":
            body["status"] = example["status"]
    return body


def _responses(operation: Operation, current: dict[str, Any], stub: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    success_schema = None
    # A route answering a bare Response (penalty confirm and delete, blocks, services,
    # bonuses) declares its success without content: so does the document.
    bodiless = False
    for status_text, response in current.items():
        if status_text.startswith("2"):
            success_schema = response.get("content", {}).get("application/json", {}).get("schema")
            bodiless = "content" not in response
    # The reference's statuses, plus what the route itself declares (users/tree/full has
    # none in the reference; some routes document an extra 400 or 404).
    declared = {int(code) for code in current if code.isdigit() and code != "422"}
    # Any body or query can fail validation (400); anything named in the path can be missing.
    general = {400} | ({404} if len(operation.path_params) > 1 else set())
    statuses = sorted(
        {*operation.statuses, *declared, *general, *_AUTH_ERRORS, *([501] if stub else [])}
    )
    for status in statuses:
        example = operation.response_examples.get(str(status))
        if status < 400 and status not in operation.statuses and str(status) in current:
            responses[str(status)] = current[str(status)]
            continue
        if status >= 400:
            content = {"schema": ERROR_REF, "example": _error_example(status, example)}
            responses[str(status)] = {
                "description": "Error",
                "content": {"application/json": content},
            }
            continue
        if bodiless:
            accepted = "Accepted" if status == 202 else "Success"
            responses[str(status)] = {"description": f"{accepted}, with no body"}
            continue
        content = {"schema": success_schema or {"type": "object"}}
        if example is not None:
            content["example"] = example
        responses[str(status)] = {
            "description": "Accepted (risk decision r, x or n/a)" if status == 202 else "Success",
            "content": {"application/json": content},
        }
    return responses


def _apply_reference(paths: dict[str, Any], stubs: set[tuple[str, str]]) -> None:
    for (method, path), operation in operations_by_key().items():
        entry = paths.get(path, {}).get(method.lower())
        if entry is None:
            continue
        entry["responses"] = _responses(
            operation, entry.get("responses", {}), operation.key in stubs
        )
        if operation.request_example is not None:
            body = entry.setdefault(
                "requestBody",
                {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
            )
            body["content"].setdefault("application/json", {})["example"] = (
                operation.request_example
            )
        if operation.note:
            entry["description"] = (entry.get("description", "") + "\n\n" + operation.note).strip()


def _apply_extensions(paths: dict[str, Any]) -> None:
    """Operations beyond the reference: errors as ErrorMessage, never FastAPI's 422."""
    reference = operations_by_key()
    for path, item in paths.items():
        for method, entry in item.items():
            if (method.upper(), path) in reference or not isinstance(entry, dict):
                continue
            responses = entry.setdefault("responses", {})
            responses.pop("422", None)
            for status in (400, 401, 403, 404):
                content = {"schema": ERROR_REF, "example": _error_example(status, None)}
                responses.setdefault(
                    str(status), {"description": "Error", "content": {"application/json": content}}
                )


_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})


def _model_definitions(routes: list[APIRoute]) -> dict[str, Any]:
    """The component schemas as pydantic writes them, before FastAPI's OpenAPI model."""
    fields = get_fields_from_routes(routes)
    names = get_model_name_map(get_flat_models_from_fields(fields, known_models=set()))
    _, definitions = get_definitions(fields=fields, model_name_map=names)
    return definitions


def _restore_bounds(encoded: Any, written: Any) -> None:
    """Put pydantic's exact integer bounds back: FastAPI's OpenAPI model types ``maximum`` as
    a float, which turned the ids' 2**63 - 1 into 9.223372036854776e18, that is 2**63."""
    if isinstance(encoded, dict) and isinstance(written, dict):
        for key, value in encoded.items():
            exact = written.get(key)
            if key in _BOUNDS and isinstance(exact, int) and not isinstance(exact, bool):
                encoded[key] = exact
            else:
                _restore_bounds(value, exact)
    elif isinstance(encoded, list) and isinstance(written, list):
        for item, written_item in zip(encoded, written, strict=False):
            _restore_bounds(item, written_item)


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retry-safe writes (Stripe's semantics): the answer is stored with the "
    "operation, in its transaction. The same key with the same request (method, path, query, "
    "and body compared as parsed JSON) answers the stored response with header "
    "Idempotent-Replayed: true; with another request a 400 0013; while the first request "
    "with the key is still running a 409 0012. A request that failed stored nothing: its "
    "retry runs again. Keys are kept 24 hours (setting IDEMPOTENCY_KEY_HOURS).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}

_UNAVAILABLE = {
    "description": "The database is unreachable: retry after the Retry-After header's seconds",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": ERROR_REF}},
}
_IN_PROGRESS = {
    "description": "A request with this Idempotency-Key is still running (0012)",
    "content": {"application/json": {"schema": ERROR_REF}},
}


def _document_idempotency(paths: dict[str, Any]) -> None:
    for item in paths.values():
        for method, entry in item.items():
            if not isinstance(entry, dict):
                continue
            if method in ("post", "put", "patch", "delete"):
                entry.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
                entry.setdefault("responses", {}).setdefault("409", _IN_PROGRESS)
            entry.setdefault("responses", {}).setdefault("503", _UNAVAILABLE)


def _name_extensions(app: FastAPI, paths: dict[str, Any]) -> None:
    """Extension operations are named after their endpoint (``list_products``), not FastAPI's
    path-derived ``list_products_v2_orgs__orgId__catalogue_products_get``: the names a
    generated client's functions take."""
    reference = operations_by_key()
    for route in served_routes(app):
        for method in route.methods or ():
            entry = paths.get(route.path, {}).get(method.lower())
            if entry is not None and (method, route.path) not in reference:
                entry["operationId"] = route.name


def _path_parameters_in_path_order(paths: dict[str, Any]) -> None:
    """Path parameters listed as the path names them (``orgId`` first): the org's is declared by
    the route class, after the handler's own."""
    for path, item in paths.items():
        order = {name: index for index, name in enumerate(re.findall(r"{(\w+)}", path))}
        for entry in item.values():
            if isinstance(entry, dict) and entry.get("parameters"):
                parameters = entry["parameters"]
                in_path = sorted(
                    (p for p in parameters if p.get("in") == "path"),
                    key=lambda p: order.get(p["name"], len(order)),
                )
                entry["parameters"] = in_path + [p for p in parameters if p.get("in") != "path"]


def build_openapi(app: FastAPI, stubs: set[tuple[str, str]]) -> dict[str, Any]:
    """Generate once per process; the document only changes with the code."""
    if app.openapi_schema is None:
        routes = served_routes(app)
        document = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version="3.1.0",
            description=app.description,
            routes=routes,
            tags=app.openapi_tags,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        _restore_bounds(schemas, _model_definitions(routes))
        schemas["ErrorMessage"] = ERROR_MESSAGE_SCHEMA
        document["components"]["securitySchemes"] = {
            "ApiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
            "Bearer": {"type": "http", "scheme": "bearer"},
        }
        document["security"] = [{"ApiKey": []}, {"Bearer": []}]
        _path_parameters_in_path_order(document.get("paths", {}))
        _apply_reference(document.get("paths", {}), stubs)
        _apply_extensions(document.get("paths", {}))
        _name_extensions(app, document.get("paths", {}))
        _document_idempotency(document.get("paths", {}))
        document["webhooks"] = event_webhooks()
        app.openapi_schema = document
    return app.openapi_schema
