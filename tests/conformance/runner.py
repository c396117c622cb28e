"""Run every reference operation once against a world built through the API."""

from dataclasses import dataclass, field
from typing import Any

from mascustomers.routing.operations import Operation
from tests.conformance.requests import BUILDERS, ordered_operations
from tests.conformance.shapes import shape_mismatches
from tests.conformance.world import World, build_world
from tests.factories import ApiCaller

# Where the reference's example contradicts its own property table, the table wins.
EXAMPLE_ERRATA: dict[tuple[str, str], tuple[str, ...]] = {
    # Table: "iccid | string"; the example's number 8934011411551283000 has lost digits.
    ("GET", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}"): (
        "$.iccid: expected number, got string",
    ),
}


@dataclass
class Outcome:
    operation: Operation
    status: int
    implemented: bool
    problems: list[str] = field(default_factory=list)

    @property
    def conforming(self) -> bool:
        return self.implemented and not self.problems

    @property
    def label(self) -> str:
        return f"{self.operation.method} {self.operation.path}"


def check(operation: Operation, status: int, body: Any) -> list[str]:
    problems = []
    # An operation the reference lists without statuses (users/tree/full) succeeds with 200.
    documented = operation.statuses or (200,)
    if status not in documented:
        problems.append(f"status {status} is not documented ({list(documented)})")
    example = operation.response_examples.get(str(status))
    if 200 <= status < 300 and example is not None:
        problems.extend(
            p
            for p in shape_mismatches(example, body)
            if p not in EXAMPLE_ERRATA.get(operation.key, ())
        )
    return problems


def content_problems(document: dict[str, Any], operation: Operation, response: Any) -> list[str]:
    """The answer carries what the served document declares for its status: the declared
    media type, or no body and no content type where it declares no content."""
    entry = document["paths"][operation.path][operation.method.lower()]
    declared = entry["responses"].get(str(response.status_code), {}).get("content")
    media = response.headers.get("content-type", "").split(";")[0] or None
    if not declared:
        if response.content or media is not None:
            return [f"documented without a body, answered {media} ({len(response.content)} B)"]
        return []
    if media not in declared:
        return [f"answered {media}, documented {sorted(declared)}"]
    return []


def _remember(world: World, outcome_body: Any) -> None:
    """Penalty ids and subscription UUIDs only come back from the penalty operations."""
    if isinstance(outcome_body, list) and outcome_body and "computed_penalty_id" in outcome_body[0]:
        world.extras.setdefault("computed_penalty_id", outcome_body[0]["computed_penalty_id"])
        for line in outcome_body[0].get("penalties", []):
            if line.get("subscription_id") == world.main_line_id and line.get("subscription_uuid"):
                world.extras.setdefault("main_uuid", line["subscription_uuid"])


def run_all(api: ApiCaller) -> list[Outcome]:
    world = build_world(api)
    document = api.client.get("/v2/openapi.json").json()
    outcomes = []
    for operation in ordered_operations():
        request = BUILDERS[operation.key](world, operation)
        response = api.request(
            request.method, request.url, params=request.params, json=request.json
        )
        body = response.json() if response.content else None
        _remember(world, body)
        if response.status_code == 501:
            outcomes.append(Outcome(operation, 501, False, ["not implemented yet"]))
            continue
        problems = check(operation, response.status_code, body)
        problems.extend(content_problems(document, operation, response))
        if response.status_code >= 400:
            problems.append(f"answered {response.status_code}: {body}")
        outcomes.append(Outcome(operation, response.status_code, True, problems))
    return outcomes
