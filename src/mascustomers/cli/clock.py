"""``mascustomers clock …``: sandbox orgs' test clocks."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from mascustomers.auth import service as auth_service
from mascustomers.cli.context import command_session
from mascustomers.clocks import service as clocks_service

app = typer.Typer(no_args_is_help=True)


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"not an ISO timestamp: {text!r}", param_hint="--to") from error
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@app.command("show")
def show(org: Annotated[str, typer.Option(help="org slug")]) -> None:
    """Print the org's current time."""
    with command_session() as session:
        view = clocks_service.clock_view(session, org=auth_service.get_org(session, slug=org))
    clock = "test clock" if view.test_clock else "real time"
    typer.echo(f"{view.org}\t{view.now}\t{view.today} ({view.timezone})\t{clock}")


@app.command("advance")
def advance(
    org: Annotated[str, typer.Option(help="slug of a sandbox org")],
    to: Annotated[str, typer.Option(help="new time, e.g. 2027-01-01T00:00:00Z (UTC if no zone)")],
) -> None:
    """Move a sandbox org's time forward, running everything that falls due on the way."""
    with command_session() as session:
        result = clocks_service.advance_clock(
            session, org=auth_service.get_org(session, slug=org), to=_instant(to)
        )
    typer.echo(f"{result.org}: {result.previous_time} → {result.now}")
    for item in result.ran:
        if item.type == "billing_run":
            typer.echo(
                f"{item.ran_at}\tbilling {item.cycle}\t{item.invoices} invoices\t"
                f"{item.value_total} total"
            )
        else:
            error = f"\t{item.error}" if item.error else ""
            typer.echo(f"{item.ran_at}\t{item.kind} {item.id}\t{item.status}{error}")
