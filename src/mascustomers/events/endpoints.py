"""Events and webhook endpoints: ``/v2/orgs/{orgId}/ops/events``, ``…/ops/webhooks`` (permission
``events``). Not in the reference: what an integrator needs to be told of the changes it waits
for instead of polling for them (DESIGN §8). Types, payloads, signatures: docs/events.md.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.events import documents, service, webhooks
from mascustomers.events.retries import DeliveryStatus
from mascustomers.events.schemas import (
    DeliveryList,
    DeliveryView,
    EventView,
    RedeliveryCreate,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpoints,
    WebhookEndpointUpdate,
    WebhookEndpointView,
    WebhookSecretRoll,
)
from mascustomers.kit.clock import ensure_utc
from mascustomers.kit.request_fields import Id, Limit
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)
OPS = "/v2/orgs/{orgId}/ops"
EXTRA: dict[str, Any] = {"x-permission": "events"}
TAGS: list[str | Any] = ["Events"]
Cursor = Annotated[
    str | None,
    Query(max_length=20, description="`next_cursor` of the page before (opaque)"),
]
PAGE = {200: {"model": documents.event_page(), "description": "A page of events"}}


@router.get(
    f"{OPS}/events",
    response_model=None,
    responses=PAGE,  # type: ignore[arg-type]
    tags=TAGS,
    openapi_extra=EXTRA,
)
def list_events(
    *,
    session: SessionDep,
    caller: CallerDep,
    types: Annotated[
        list[str] | None,
        Query(
            alias="type",
            description="Types to list: names, families (`invoice.*`), comma-separated or repeated",
        ),
    ] = None,
    created_from: Annotated[
        datetime | None, Query(description="Created at or after (UTC if no offset)")
    ] = None,
    created_to: Annotated[datetime | None, Query(description="Created before")] = None,
    cursor: Cursor = None,
    order: Annotated[Literal["asc", "desc"], Query(description="asc: oldest first")] = "asc",
    limit: Annotated[Limit, Query(le=500)] = 100,
) -> JSONResponse:
    """The org's events, oldest first (``order=desc``: newest first), filtered by type and
    creation time (the org's clock). Pages by ``cursor``: the ``next_cursor`` of the page
    before. The stream only grows at its end (events are numbered as they commit), so a
    client polling oldest first with its last ``next_cursor`` never misses an event nor sees
    one twice, whatever is being written meanwhile. Each event's ``data.object`` is what
    the matching GET answered right after the change; docs/events.md lists the types.
    """
    page = service.list_events(
        session,
        org_id=caller.org_id,
        org_slug=caller.org_slug,
        types=types,
        created_from=ensure_utc(created_from) if created_from else None,
        created_to=ensure_utc(created_to) if created_to else None,
        cursor=cursor,
        newest_first=order == "desc",
        limit=limit,
    )
    return JSONResponse(page.model_dump(mode="json"))


@router.get(f"{OPS}/events/{{eventId}}", response_model=EventView, tags=TAGS, openapi_extra=EXTRA)
def get_event(eventId: Id, session: SessionDep, caller: CallerDep) -> EventView:
    """One event, as it was delivered (see ``GET events``)."""
    return service.get_event(
        session, org_id=caller.org_id, org_slug=caller.org_slug, event_id=eventId
    )


@router.get(f"{OPS}/webhooks", response_model=WebhookEndpoints, tags=TAGS, openapi_extra=EXTRA)
def list_webhooks(session: SessionDep, caller: CallerDep) -> WebhookEndpoints:
    """The org's webhook endpoints (never their secrets)."""
    found = webhooks.list_endpoints(session, org_id=caller.org_id)
    return WebhookEndpoints(webhooks=[WebhookEndpointView.of(e) for e in found])


@router.post(
    f"{OPS}/webhooks",
    status_code=201,
    response_model=WebhookEndpointCreated,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def create_webhook(
    body: WebhookEndpointCreate, session: SessionDep, caller: CallerDep
) -> WebhookEndpointCreated:
    """A webhook endpoint: the org's events of ``event_types`` made from now on are POSTed to
    ``url``, signed with ``secret`` — shown in this answer only. The URL is http or https,
    without user or password (400 ``0130``); an unknown type is 400 ``0131``.
    """
    created = webhooks.create(session, org_id=caller.org_id, body=body, now=webhooks.wall_now())
    return WebhookEndpointCreated.with_secret(created.endpoint, created.secret)


@router.get(
    f"{OPS}/webhooks/{{endpointId}}",
    response_model=WebhookEndpointView,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def get_webhook(endpointId: Id, session: SessionDep, caller: CallerDep) -> WebhookEndpointView:
    """One webhook endpoint: its status (ENABLED, FAILING, DISABLED) and failure streak."""
    return WebhookEndpointView.of(
        webhooks.get(session, org_id=caller.org_id, endpoint_id=endpointId)
    )


@router.patch(
    f"{OPS}/webhooks/{{endpointId}}",
    response_model=WebhookEndpointView,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def update_webhook(
    endpointId: Id,
    body: WebhookEndpointUpdate,
    session: SessionDep,
    caller: CallerDep,
) -> WebhookEndpointView:
    """Change the URL, the types, the description; ``enabled`` true enables a failing or
    disabled endpoint again (what it missed is sent, in order), false disables it.
    """
    endpoint = webhooks.update(
        session, org_id=caller.org_id, endpoint_id=endpointId, body=body, now=webhooks.wall_now()
    )
    return WebhookEndpointView.of(endpoint)


@router.delete(
    f"{OPS}/webhooks/{{endpointId}}",
    status_code=204,
    response_class=Response,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def delete_webhook(endpointId: Id, session: SessionDep, caller: CallerDep) -> Response:
    """Delete the endpoint with its deliveries and their log. Answers 204."""
    webhooks.delete(session, org_id=caller.org_id, endpoint_id=endpointId)
    return Response(status_code=204)


@router.post(
    f"{OPS}/webhooks/{{endpointId}}/secret",
    response_model=WebhookEndpointCreated,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def roll_webhook_secret(
    endpointId: Id,
    session: SessionDep,
    caller: CallerDep,
    body: WebhookSecretRoll | None = None,
) -> WebhookEndpointCreated:
    """Roll the endpoint's signing secret: a new ``secret``, shown in this answer only. The
    secret it replaces still signs every delivery, beside the new one (a second ``v1`` in the
    signature header), for ``expires_in_hours`` (0 to 168, 24 if no body is sent; 0: it stops
    at once) — ``previous_secret_expires`` says until when. Rolling again within that time
    drops the older secret at once.
    """
    rolled = webhooks.roll_secret(
        session,
        org_id=caller.org_id,
        endpoint_id=endpointId,
        expires_in_hours=(body or WebhookSecretRoll()).expires_in_hours,
        now=webhooks.wall_now(),
    )
    return WebhookEndpointCreated.with_secret(rolled.endpoint, rolled.secret)


@router.get(
    f"{OPS}/webhooks/{{endpointId}}/deliveries",
    response_model=DeliveryList,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def list_deliveries(
    endpointId: Id,
    *,
    session: SessionDep,
    caller: CallerDep,
    status: Annotated[
        DeliveryStatus | None, Query(description="PENDING, DELIVERED, FAILED")
    ] = None,
    event_id: Annotated[Id | None, Query(description="Deliveries of this event")] = None,
    cursor: Cursor = None,
    limit: Annotated[Limit, Query(le=200)] = 50,
) -> DeliveryList:
    """The endpoint's deliveries, newest first, each with its log: every attempt's time, HTTP
    status, latency, the answer's first 1000 characters, or the error.
    """
    return webhooks.deliveries(
        session,
        org_id=caller.org_id,
        endpoint_id=endpointId,
        status=status,
        event_id=event_id,
        cursor=cursor,
        limit=limit,
    )


@router.post(
    f"{OPS}/webhooks/{{endpointId}}/deliveries",
    status_code=202,
    response_model=DeliveryView,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def redeliver(
    endpointId: Id, body: RedeliveryCreate, session: SessionDep, caller: CallerDep
) -> DeliveryView:
    """Send one event to this endpoint again (any type): a new delivery, tried at once in
    event order. Answers 202: the delivery worker sends it.
    """
    return webhooks.redeliver(
        session,
        org_id=caller.org_id,
        endpoint_id=endpointId,
        event_id=body.event_id,
        now=webhooks.wall_now(),
    )
