"""Working examples: for each operation, a request that succeeds against the demo org now.

The reference's own examples are placeholders (``"string"``, ``0``, ``214748364``): the
contract's shape, not a request that works. These are made from what the database holds at
the moment they are asked for — the demo customers' ids, numbers, ICCIDs with their Luhn
digit, open orders, computed penalties; the catalogue's ids; cards and numbers in stock — so
an example never names an object that does not exist. An operation whose demo object has been
used up (an order already cancelled, a SIM already active) has no working example until the
demo is made again; every one has one on a fresh ``make run``.

Only a sandbox org named ``telco`` (what ``mascustomers demo`` makes) gets examples: they are
published in the OpenAPI document, which needs no API key.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from mascustomers.demo.world import DemoWorld

DEMO_ORG: Final = "telco"
NO_BODY: Final[Any] = object()
ORG_PATH: Final = "/v2/orgs/{orgId}"


@dataclass(frozen=True)
class WorkingExample:
    """Path parameters (``orgId`` included), query and body of a request that works now."""

    summary: str
    path: dict[str, str | int] = field(default_factory=dict)
    query: dict[str, str | int] = field(default_factory=dict)
    body: Any = NO_BODY

    @property
    def has_body(self) -> bool:
        return self.body is not NO_BODY


Key = tuple[str, str]
Builder = Callable[[DemoWorld], WorkingExample | None]


class Registry:
    """Builders by operation ``(METHOD, path as the document names it)``."""

    def __init__(self) -> None:
        self.builders: dict[Key, Builder] = {}

    def __call__(self, method: str, path: str) -> Callable[[Builder], Builder]:
        # Paths under the org are given relative to it: "/signups" is /v2/orgs/{orgId}/signups.
        key = (method, path if path.startswith("/v2/") else f"{ORG_PATH}{path}")

        def register(builder: Builder) -> Builder:
            if key in self.builders:
                raise ValueError(f"two working examples for {key}")
            self.builders[key] = builder
            return builder

        return register
