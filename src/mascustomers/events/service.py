"""Reading the event stream: an org's events by type and time, page after page, or one event.

Pages follow the stream's positions (commit order; ``outbox.service``), never an offset:
``next_cursor`` is the position of the page's last event. Oldest first (the default), a
cursor is also the place to poll from — an event committed later always comes after every
position already seen, so polling with the last ``next_cursor`` misses nothing and repeats
nothing while other requests keep adding events. ``order=desc`` pages newest first.
"""

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.errors import NotFound
from mascustomers.events.errors import CursorInvalid, EventTypeUnknown
from mascustomers.events.schemas import EventList, EventView
from mascustomers.kit.clock import format_timestamp
from mascustomers.kit.request_fields import MAX_ID
from mascustomers.models import Event
from mascustomers.outbox import repository
from mascustomers.outbox.types import check_patterns, expand


def render(event: Event, org_slug: str) -> dict[str, Any]:
    """The event's JSON, as the API answers it and webhooks deliver it."""
    return {
        "id": event.id,
        "type": event.type,
        "org": org_slug,
        "created": format_timestamp(event.created_at),
        "subject": event.subject,
        "data": event.data,
    }


def body(event: Event, org_slug: str) -> bytes:
    """The exact bytes a delivery sends (and signs)."""
    return json.dumps(render(event, org_slug), separators=(",", ":"), ensure_ascii=False).encode()


def type_names(values: list[str] | None) -> list[str] | None:
    """The type names a ``type`` filter covers (names, ``family.*``, comma-separated)."""
    if not values:
        return None
    patterns = [part for value in values for part in value.split(",") if part.strip()]
    try:
        return expand(check_patterns(patterns))
    except ValueError as error:
        raise EventTypeUnknown(f"type: {error}") from error


def parse_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isascii() or not cursor.isdigit() or int(cursor) > MAX_ID:
        raise CursorInvalid(f"cursor: {cursor[:40]!r} is not a cursor this API gave")
    return int(cursor)


def list_events(
    session: Session,
    *,
    org_id: int,
    org_slug: str,
    types: list[str] | None,
    created_from: datetime | None,
    created_to: datetime | None,
    cursor: str | None,
    newest_first: bool,
    limit: int,
) -> EventList:
    position = parse_cursor(cursor)
    found = repository.list_events(
        session,
        repository.EventQuery(
            org_id=org_id,
            types=type_names(types),
            created_from=created_from,
            created_before=created_to,
            after=None if newest_first else position,
            before=position if newest_first else None,
            newest_first=newest_first,
            limit=limit + 1,
        ),
    )
    page, has_more = found[:limit], len(found) > limit
    if page:
        next_cursor: str | None = str(page[-1].position)
    else:
        # Nothing (more) yet: oldest first, poll again from the same place.
        next_cursor = None if newest_first else cursor
    return EventList(
        events=[EventView.model_validate(render(event, org_slug)) for event in page],
        next_cursor=next_cursor if (has_more or not newest_first) else None,
        has_more=has_more,
    )


def get_event(session: Session, *, org_id: int, org_slug: str, event_id: int) -> EventView:
    event = repository.get_event(session, org_id=org_id, event_id=event_id)
    if event is None:
        raise NotFound(f"event {event_id} not found")
    return EventView.model_validate(render(event, org_slug))
