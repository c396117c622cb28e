"""Read the working examples out of a served OpenAPI document and run them, in a sensible order.

Only the document is read: a request is made of the ``works`` example of every parameter and
of the body, so what the test runs is what Swagger UI's "Try it out" sends.
"""

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient

WORKS = "works"
METHODS = ("get", "post", "put", "patch", "delete")

# Writes run after every read, in this order: the ones that only change what they name first,
# then those that use a demo object up, the clock last (it freezes the demo org's time).
WRITE_ORDER = [
    # Searches sent as POST: reads.
    ("POST", "/v2/orgs/{orgId}/users/tree"),
    ("POST", "/v2/orgs/{orgId}/users/tree/full"),
    ("PATCH", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}/services/{serviceId}"),
    ("PUT", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}/bonuses"),
    ("DELETE", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}/bonuses/{bonusId}"),
    ("PATCH", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}/products"),
    ("POST", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}/devices"),
    ("PATCH", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}/blocks/{blockId}"),
    ("PATCH", "/v2/orgs/{orgId}/subscriptions/{subscriptionId}/sim-replacement"),
    ("POST", "/v2/orgs/{orgId}/signups"),
    ("POST", "/v2/orgs/{orgId}/signups/subscriptions"),
    ("PATCH", "/v2/orgs/{orgId}/users/agile-tv"),
    ("POST", "/v2/orgs/{orgId}/ops/accounts/{accountId}/tax-province"),
    ("POST", "/v2/orgs/{orgId}/ops/subscriptions/{subscriptionId}/recharges"),
    ("POST", "/v2/orgs/{orgId}/ops/invoices/{invoiceId}/payment"),
    ("PUT", "/v2/orgs/{orgId}/ops/billing/issuer"),
    ("POST", "/v2/orgs/{orgId}/ops/invoices/{number}/rectify"),
    ("POST", "/v2/orgs/{orgId}/ops/invoices/{number}/cancel"),
    ("POST", "/v2/orgs/{orgId}/ops/billing/run"),
    ("PATCH", "/v2/orgs/{orgId}/signups/activate-sim"),
    ("POST", "/v2/orgs/{orgId}/ops/risk-holds/{sellId}/approve"),
    ("POST", "/v2/orgs/{orgId}/ops/risk-holds/{sellId}/reject"),
    ("POST", "/v2/orgs/{orgId}/ops/work-orders/{workOrderId}/complete"),
    ("POST", "/v2/orgs/{orgId}/ops/work-orders/{workOrderId}/cancel"),
    ("POST", "/v2/orgs/{orgId}/ops/subscriptions/{subscriptionId}/termination"),
    ("PUT", "/v2/orgs/{orgId}/penalties/{computePenaltyId}"),
    ("DELETE", "/v2/orgs/{orgId}/penalties/{computePenaltyId}"),
    ("POST", "/v2/orgs/{orgId}/signups/migration"),
    ("POST", "/v2/workorders/change-order"),
    ("POST", "/v2/orgs/{orgId}/ops/clock"),
    # The demo's webhook endpoint is changed, sent an event again, its secret rolled, then
    # deleted.
    ("POST", "/v2/orgs/{orgId}/ops/webhooks"),
    ("PATCH", "/v2/orgs/{orgId}/ops/webhooks/{endpointId}"),
    ("POST", "/v2/orgs/{orgId}/ops/webhooks/{endpointId}/deliveries"),
    ("POST", "/v2/orgs/{orgId}/ops/webhooks/{endpointId}/secret"),
    ("DELETE", "/v2/orgs/{orgId}/ops/webhooks/{endpointId}"),
]


@dataclass
class Call:
    method: str
    path: str
    summary: str | None
    expected: int
    path_params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def url(self) -> str:
        url = self.path
        for name, value in self.path_params.items():
            url = url.replace(f"{{{name}}}", str(value))
        return url


def _expected(entry: dict[str, Any]) -> int:
    """The documented success: its first 2xx but 202 (a risk hold: no example is designed to be
    held), or 202 where that is the only one (DELETE bonuses answers 202 by the reference)."""
    successes = sorted(int(s) for s in entry["responses"] if s.startswith("2"))
    return next((s for s in successes if s != 202), 202)


def calls(document: dict[str, Any]) -> list[Call]:
    """Every operation of the document, with what its ``works`` examples say to send."""
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            entry = item.get(method)
            if entry is None:
                continue
            call = Call(method.upper(), path, entry.get("x-working-example"), _expected(entry))
            for parameter in entry.get("parameters", []):
                works = parameter.get("examples", {}).get(WORKS)
                if works is None:
                    continue
                target = call.path_params if parameter["in"] == "path" else call.query
                target[parameter["name"]] = works["value"]
            media = entry.get("requestBody", {}).get("content", {}).get("application/json", {})
            if WORKS in media.get("examples", {}):
                call.body, call.has_body = media["examples"][WORKS]["value"], True
            found.append(call)
    return found


def in_order(found: list[Call]) -> list[Call]:
    writes = {key: index for index, key in enumerate(WRITE_ORDER)}
    return sorted(found, key=lambda c: (c.method != "GET", writes.get(c.key, len(writes)), c.path))


def run(client: TestClient, key: str, call: Call) -> httpx.Response:
    return client.request(
        call.method,
        call.url,
        params=call.query,
        headers={"x-api-key": key},
        **({"json": call.body} if call.has_body else {}),
    )
