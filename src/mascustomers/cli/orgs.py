"""``mascustomers org …``"""

from typing import Annotated

import typer

from mascustomers.auth import service as auth_service
from mascustomers.cli.context import command_session

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create(
    slug: Annotated[str, typer.Argument(help="the {orgId} path segment, e.g. telco")],
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    sandbox: Annotated[bool, typer.Option(help="allow test clocks on this org")] = False,
    timezone: Annotated[str, typer.Option(help="org time zone")] = "Europe/Madrid",
) -> None:
    """Create an org."""
    with command_session() as session:
        org = auth_service.create_org(
            session, slug=slug, name=name or slug, is_sandbox=sandbox, timezone=timezone
        )
        typer.echo(f"created org {org.slug} (id {org.id})")


@app.command("list")
def list_() -> None:
    """List orgs."""
    with command_session() as session:
        for org in auth_service.list_orgs(session):
            sandbox = " sandbox" if org.is_sandbox else ""
            typer.echo(f"{org.slug}\t{org.name}\t{org.timezone}{sandbox}")
