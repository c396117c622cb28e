"""The queue of failing webhook deliveries: the org's endpoints in trouble first, each one's
deliveries with their attempt log, and the two ways out — send an event again, enable the
endpoint. Both call what ``POST …/ops/webhooks/{id}/deliveries`` and ``PATCH …/ops/webhooks/{id}``
call (permission ``events``).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from mascustomers.auth.permissions import Permission
from mascustomers.console.dependencies import FormDep, StaffDep, may_change
from mascustomers.console.paging import PAGE_SIZE, CursorId, Page, PageNumber
from mascustomers.console.rendering import PREFIX, redirect, render
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.service import Staff
from mascustomers.db.dependencies import SessionDep
from mascustomers.events import webhooks
from mascustomers.events.retries import DeliveryStatus, EndpointStatus
from mascustomers.events.schemas import (
    RedeliveryCreate,
    WebhookEndpointUpdate,
    WebhookEndpointView,
)
from mascustomers.kit.request_fields import Id

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Events = Annotated[Staff, Depends(may_change(Permission.EVENTS))]
QUEUE = f"{PREFIX}/queues/webhooks"


def _in_trouble(endpoint: WebhookEndpointView) -> bool:
    return endpoint.status != EndpointStatus.ENABLED or endpoint.failing_since is not None


@router.get(QUEUE)
def endpoints(
    request: Request, *, session: SessionDep, staff: StaffDep, page: PageNumber = 1
) -> Response:
    """GET ops/webhooks: failing and disabled endpoints first, then the healthy ones."""
    views = [
        WebhookEndpointView.of(endpoint)
        for endpoint in webhooks.list_endpoints(session, org_id=staff.org_id)
    ]
    views.sort(key=lambda view: (not _in_trouble(view), view.id))
    return render(
        request,
        "webhooks.html",
        endpoints=Page.of_list(views, page),
        in_trouble=_in_trouble,
    )


@router.get(f"{QUEUE}/{{endpoint_id}}")
def deliveries(
    request: Request,
    *,
    endpoint_id: Id,
    session: SessionDep,
    staff: StaffDep,
    status: DeliveryStatus | None = None,
    before: CursorId = 0,
) -> Response:
    """GET ops/webhooks/{id}/deliveries: newest first, each with its attempts."""
    endpoint = webhooks.get(session, org_id=staff.org_id, endpoint_id=endpoint_id)
    found = webhooks.deliveries(
        session,
        org_id=staff.org_id,
        endpoint_id=endpoint_id,
        status=status,
        event_id=None,
        cursor=str(before) if before else None,
        limit=PAGE_SIZE,
    )
    return render(
        request,
        "webhook_deliveries.html",
        endpoint=WebhookEndpointView.of(endpoint),
        deliveries=found.deliveries,
        next_cursor=found.next_cursor,
        first=before == 0,
        status=status,
        statuses=list(DeliveryStatus),
        Permission=Permission,
    )


@router.post(f"{QUEUE}/{{endpoint_id}}/redeliver")
def redeliver(
    request: Request, *, endpoint_id: Id, session: SessionDep, staff: Events, form: FormDep
) -> Response:
    """POST ops/webhooks/{id}/deliveries: the event queued for this endpoint once more."""
    body = RedeliveryCreate.model_validate({"event_id": form.text("event_id")})
    delivery = webhooks.redeliver(
        session,
        org_id=staff.org_id,
        endpoint_id=endpoint_id,
        event_id=body.event_id,
        now=webhooks.wall_now(),
    )
    return redirect(
        request,
        f"{QUEUE}/{endpoint_id}",
        flash=f"Event {delivery.event_id} ({delivery.event_type}) queued again as delivery "
        f"{delivery.id}.",
    )


@router.post(f"{QUEUE}/{{endpoint_id}}/enable")
def enable(request: Request, *, endpoint_id: Id, session: SessionDep, staff: Events) -> Response:
    """PATCH ops/webhooks/{id} {"enabled": true}: its queue is tried at once, in order."""
    endpoint = webhooks.update(
        session,
        org_id=staff.org_id,
        endpoint_id=endpoint_id,
        body=WebhookEndpointUpdate(enabled=True),
        now=webhooks.wall_now(),
    )
    return redirect(
        request, f"{QUEUE}/{endpoint_id}", flash=f"Endpoint {endpoint.id} is {endpoint.status}."
    )
