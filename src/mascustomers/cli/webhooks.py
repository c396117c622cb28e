"""``mascustomers webhooks …``: an org's webhook endpoints, their deliveries, the worker."""

from collections.abc import Mapping
from typing import Annotated, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from mascustomers.auth import service as auth_service
from mascustomers.cli.context import command_session
from mascustomers.db.engine import make_engine, make_sessionmaker
from mascustomers.events import webhooks
from mascustomers.events.delivery import DeliveryWorker
from mascustomers.events.retries import DeliveryStatus
from mascustomers.events.schemas import (
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    WebhookSecretRoll,
)
from mascustomers.kit.clock import default_clock, format_timestamp
from mascustomers.models import WebhookEndpoint
from mascustomers.settings import Settings

app = typer.Typer(no_args_is_help=True)
Org = Annotated[str, typer.Option(help="org slug")]
Types = Annotated[
    str | None, typer.Option(help="comma-separated event types, families (invoice.*) or *")
]


M = TypeVar("M", bound=BaseModel)


def _body(model: type[M], values: Mapping[str, object]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise typer.BadParameter(f"{where}: {first['msg']}") from error


def _types(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _line(endpoint: WebhookEndpoint) -> str:
    retry = (
        f"\tretry {format_timestamp(endpoint.next_attempt_at)}" if endpoint.next_attempt_at else ""
    )
    types = ",".join(endpoint.event_types)
    return f"{endpoint.id}\t{endpoint.status}\t{endpoint.url}\t{types}{retry}"


@app.command("create")
def create(
    org: Org,
    url: Annotated[str, typer.Option(help="http(s) URL the events are POSTed to")],
    types: Types = "*",
    description: Annotated[str | None, typer.Option(help="what it is for")] = None,
    disabled: Annotated[bool, typer.Option(help="create it disabled")] = False,
) -> None:
    """Create an endpoint; prints its id and its signing secret (shown only once)."""
    values = {
        "url": url,
        "event_types": _types(types or "*"),
        "description": description,
        "enabled": not disabled,
    }
    body = _body(WebhookEndpointCreate, values)
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        created = webhooks.create(session, org_id=found.id, body=body, now=default_clock().now())
        typer.echo(_line(created.endpoint))
        typer.echo(f"secret: {created.secret}")


@app.command("list")
def list_(org: Org) -> None:
    """The org's endpoints: id, status, URL, types (and the next retry of a failing one)."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        for endpoint in webhooks.list_endpoints(session, org_id=found.id):
            typer.echo(_line(endpoint))


@app.command("update")
def update(  # noqa: PLR0917 -- a command's options are its parameters
    endpoint_id: Annotated[int, typer.Argument(help="endpoint id from `webhooks list`")],
    org: Org,
    url: Annotated[str | None, typer.Option(help="new URL")] = None,
    types: Types = None,
    description: Annotated[str | None, typer.Option(help="new description")] = None,
    enable: Annotated[
        bool | None, typer.Option("--enable/--disable", help="enable (again) or disable")
    ] = None,
) -> None:
    """Change an endpoint; --enable sends what a failing or disabled one missed, in order."""
    changes: dict[str, object] = {}
    if url is not None:
        changes["url"] = url
    if types is not None:
        changes["event_types"] = _types(types)
    if description is not None:
        changes["description"] = description
    if enable is not None:
        changes["enabled"] = enable
    body = _body(WebhookEndpointUpdate, changes)
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        endpoint = webhooks.update(
            session,
            org_id=found.id,
            endpoint_id=endpoint_id,
            body=body,
            now=default_clock().now(),
        )
        typer.echo(_line(endpoint))


@app.command("roll-secret")
def roll_secret(
    endpoint_id: Annotated[int, typer.Argument(help="endpoint id")],
    org: Org,
    expires_in_hours: Annotated[
        int | None,
        typer.Option(help="hours the old secret still signs, beside the new one (0-168; 24)"),
    ] = None,
) -> None:
    """Give an endpoint a new signing secret; prints it (shown only once). The old one still
    signs deliveries, beside it, for --expires-in-hours (0: it stops at once)."""
    values = {} if expires_in_hours is None else {"expires_in_hours": expires_in_hours}
    body = _body(WebhookSecretRoll, values)
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        rolled = webhooks.roll_secret(
            session,
            org_id=found.id,
            endpoint_id=endpoint_id,
            expires_in_hours=body.expires_in_hours,
            now=default_clock().now(),
        )
        line, expires = _line(rolled.endpoint), rolled.endpoint.previous_secret_expires_at
    # Printed once committed: a secret shown is the one that signs.
    typer.echo(line)
    typer.echo(f"secret: {rolled.secret}")
    if expires is None:
        typer.echo("the old secret signs nothing any more")
    else:
        typer.echo(f"the old secret also signs until {format_timestamp(expires)}")


@app.command("delete")
def delete(endpoint_id: Annotated[int, typer.Argument(help="endpoint id")], org: Org) -> None:
    """Delete an endpoint with its deliveries and their log."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        webhooks.delete(session, org_id=found.id, endpoint_id=endpoint_id)
    typer.echo(f"deleted webhook endpoint {endpoint_id}")


@app.command("deliveries")
def deliveries(
    endpoint_id: Annotated[int, typer.Argument(help="endpoint id")],
    org: Org,
    status: Annotated[DeliveryStatus | None, typer.Option(help="only these")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
) -> None:
    """The endpoint's latest deliveries and every attempt (status, latency, error)."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        page = webhooks.deliveries(
            session,
            org_id=found.id,
            endpoint_id=endpoint_id,
            status=status,
            event_id=None,
            cursor=None,
            limit=limit,
        )
    for delivery in page.deliveries:
        typer.echo(
            f"{delivery.id}\tevent {delivery.event_id} {delivery.event_type}\t{delivery.status}"
            f"\t{delivery.attempts} attempts"
        )
        for attempt in delivery.log:
            outcome = attempt.status_code if attempt.status_code is not None else attempt.error
            typer.echo(f"\t{attempt.attempted}\t{outcome}\t{attempt.latency_ms} ms")


@app.command("redeliver")
def redeliver(
    endpoint_id: Annotated[int, typer.Argument(help="endpoint id")],
    org: Org,
    event: Annotated[int, typer.Option(help="event id to send again")],
) -> None:
    """Queue one event for the endpoint again; the delivery worker sends it at once."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        view = webhooks.redeliver(
            session,
            org_id=found.id,
            endpoint_id=endpoint_id,
            event_id=event,
            now=default_clock().now(),
        )
    typer.echo(f"delivery {view.id} of event {view.event_id} queued")


@app.command("deliver")
def deliver(
    forever: Annotated[
        bool, typer.Option(help="keep delivering until interrupted (else until idle)")
    ] = False,
) -> None:
    """Run the delivery worker: deliver what is due (the scheduler runs it too)."""
    settings = Settings()
    engine = make_engine(settings.database_url, settings=settings)
    worker = DeliveryWorker(make_sessionmaker(engine))
    try:
        if forever:
            worker.run_forever()
        else:
            result = worker.run_until_idle()
            typer.echo(f"sent {result.sent}: {result.delivered} delivered, {result.failed} failed")
    except KeyboardInterrupt:
        worker.stop()
    finally:
        worker.close()
        engine.dispose()
