"""The served OpenAPI document with working examples beside the reference's.

``/v2/openapi.json`` is the code's document (``openapi_document``, built once) plus, for the
demo org, each operation's working example (``demo.examples``), made from the database when
the document is asked for. They are OpenAPI 3.1 named examples: ``works`` first, so Swagger
UI's "Try it out" starts from it, then the reference's own (``reference``), kept as the
contract shows it.
"""

import copy
import logging
from typing import Any, Final

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from mascustomers.demo.examples import WorkingExample
from mascustomers.demo.working_examples import working_examples

log = logging.getLogger(__name__)

WORKS: Final = "works"
REFERENCE: Final = "reference"
WORKS_SUMMARY: Final = "Works against make run"
REFERENCE_SUMMARY: Final = "The reference's example (placeholders, not a working request)"


def _named(value: Any, summary: str) -> dict[str, Any]:
    return {"summary": summary, "value": value}


def _parameters(entry: dict[str, Any], found: WorkingExample) -> None:
    values = {"path": found.path, "query": found.query}
    for parameter in entry.get("parameters", []):
        given = values.get(parameter.get("in"), {})
        if parameter.get("name") not in given:
            continue
        examples = {WORKS: _named(given[parameter["name"]], WORKS_SUMMARY)}
        if "example" in parameter:
            examples[REFERENCE] = _named(parameter.pop("example"), REFERENCE_SUMMARY)
        parameter["examples"] = {**examples, **parameter.get("examples", {})}


def _body(entry: dict[str, Any], found: WorkingExample) -> None:
    if not found.has_body:
        return
    body = entry.setdefault(
        "requestBody", {"content": {"application/json": {"schema": {"type": "object"}}}}
    )
    media = body.setdefault("content", {}).setdefault("application/json", {})
    examples = {WORKS: _named(found.body, f"{WORKS_SUMMARY}: {found.summary}")}
    if "example" in media:
        examples[REFERENCE] = _named(media.pop("example"), REFERENCE_SUMMARY)
    media["examples"] = {**examples, **media.get("examples", {})}


def with_working_examples(
    document: dict[str, Any], found: dict[tuple[str, str], WorkingExample]
) -> dict[str, Any]:
    """A copy of ``document`` with ``found``'s examples in their operations."""
    document = copy.deepcopy(document)
    for (method, path), example in found.items():
        entry = document.get("paths", {}).get(path, {}).get(method.lower())
        if entry is None:
            continue
        entry["x-working-example"] = example.summary
        _parameters(entry, example)
        _body(entry, example)
    return document


def read_working_examples(app: FastAPI) -> dict[tuple[str, str], WorkingExample]:
    """The demo org's working examples, read through the request path's sessions (run it with
    ``run_sync``); none when the database cannot be read."""
    try:
        with app.state.sessionmaker() as session:
            found = working_examples(session)
            session.rollback()
    except SQLAlchemyError:
        log.warning("working examples left out: the database could not be read", exc_info=True)
        return {}
    return found


def served_document(app: FastAPI, found: dict[tuple[str, str], WorkingExample]) -> dict[str, Any]:
    """What ``/v2/openapi.json`` serves: the document with the working examples ``found``
    (CPU work on a large document: run it off the event loop)."""
    document: dict[str, Any] = app.openapi()
    return with_working_examples(document, found) if found else document
