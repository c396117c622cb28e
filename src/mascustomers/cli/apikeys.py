"""``mascustomers apikey …``"""

from typing import Annotated

import typer

from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission, parse_permissions
from mascustomers.cli.context import command_session

app = typer.Typer(no_args_is_help=True)
_ALL = ", ".join(p.value for p in Permission)


@app.command("create")
def create(
    org: Annotated[str, typer.Option(help="org slug")],
    name: Annotated[str, typer.Option(help="name, used as the actor in histories")],
    permissions: Annotated[str, typer.Option(help=f"comma-separated, or 'all': {_ALL}")] = "all",
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    try:
        wanted = parse_permissions(permissions)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--permissions") from error
    with command_session() as session:
        created = auth_service.create_key(
            session, org=auth_service.get_org(session, slug=org), name=name, permissions=wanted
        )
        typer.echo(created.secret)


@app.command("list")
def list_(org: Annotated[str, typer.Option(help="org slug")]) -> None:
    """List an org's keys (id, name, prefix, permissions, state)."""
    with command_session() as session:
        for key in auth_service.list_keys(session, org=auth_service.get_org(session, slug=org)):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            typer.echo(f"{key.id}\t{key.name}\t{key.prefix}…\t{key.permissions}\t{state}")


@app.command("revoke")
def revoke(
    key_id: Annotated[int, typer.Argument(help="key id from `apikey list`")],
    org: Annotated[str, typer.Option(help="org slug")],
) -> None:
    """Revoke a key; running servers stop accepting it within the key-cache time."""
    with command_session() as session:
        key = auth_service.revoke_key(
            session, org=auth_service.get_org(session, slug=org), key_id=key_id
        )
        typer.echo(f"revoked key {key.id} ({key.name})")
