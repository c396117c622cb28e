"""Every working example the demo org has now: the builders of ``reference_examples``,
``line_examples`` and ``extension_examples`` run against its data (``demo.examples``)."""

from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.demo import (
    event_examples,
    extension_examples,
    invoice_examples,
    line_examples,
    reference_examples,
)
from mascustomers.demo.examples import DEMO_ORG, Builder, Key, WorkingExample
from mascustomers.demo.world import DemoWorld
from mascustomers.errors import DomainError


def _builders() -> dict[Key, Builder]:
    return {
        **reference_examples.example.builders,
        **line_examples.example.builders,
        **extension_examples.example.builders,
        **event_examples.example.builders,
        **invoice_examples.example.builders,
    }


def working_examples(session: Session) -> dict[Key, WorkingExample]:
    """The working example of every operation that has one now; none without the demo org."""
    org = auth_repository.get_org_by_slug(session, DEMO_ORG)
    if org is None or not org.is_sandbox:
        return {}
    world = DemoWorld(session, org)
    found = {}
    for key, build in _builders().items():
        try:
            built = build(world)
        except DomainError:
            # The org's data does not allow it (a catalogue without the demo's products, say).
            continue
        if built is not None:
            found[key] = WorkingExample(
                summary=built.summary,
                path={"orgId": org.slug, **built.path},
                query=built.query,
                body=built.body,
            )
    return found
