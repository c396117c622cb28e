"""``mascustomers staff …``: the console's staff users (created here only)."""

from typing import Annotated

import typer

from mascustomers.auth import service as auth_service
from mascustomers.cli.context import command_session
from mascustomers.console import service as staff_service
from mascustomers.console.roles import StaffRole, parse_role
from mascustomers.kit.clock import clock_for

app = typer.Typer(no_args_is_help=True)
_ROLES = ", ".join(f"{role.value} ({role.label})" for role in StaffRole)


@app.command("create")
def create(
    org: Annotated[str, typer.Option(help="org slug")],
    username: Annotated[str, typer.Option(help="sign-in name, the actor in histories")],
    role: Annotated[str, typer.Option(help=_ROLES)],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="MASCUSTOMERS_STAFF_PASSWORD",
            help="asked for when not given (at least 10 characters); stored as argon2id",
        ),
    ],
) -> None:
    """Create a staff user who signs in to the console at /console."""
    try:
        wanted = parse_role(role)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--role") from error
    with command_session() as session:
        user = staff_service.create_staff(
            session,
            org=auth_service.get_org(session, slug=org),
            username=username,
            role=wanted,
            password=password,
            now=clock_for(None).now(),
        )
        typer.echo(f"staff user {user.username} ({wanted.label}) created in org {org}")


@app.command("list")
def list_(org: Annotated[str, typer.Option(help="org slug")]) -> None:
    """List an org's staff users (name, role, lock-out)."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        for user in staff_service.list_staff(session, org=found):
            locked = (
                f"locked until {user.locked_until:%Y-%m-%d %H:%M} UTC" if user.locked_until else ""
            )
            state = "disabled" if user.disabled_at else locked
            typer.echo(f"{user.username}\t{user.role}\t{state}".rstrip())


@app.command("unlock")
def unlock(
    org: Annotated[str, typer.Option(help="org slug")],
    username: Annotated[str, typer.Option(help="sign-in name")],
) -> None:
    """Lift a lock-out (too many wrong passwords) before it ends."""
    with command_session() as session:
        user = staff_service.unlock_staff(
            session, org=auth_service.get_org(session, slug=org), username=username
        )
        typer.echo(f"staff user {user.username} unlocked")


@app.command("password")
def password(
    org: Annotated[str, typer.Option(help="org slug")],
    username: Annotated[str, typer.Option(help="sign-in name")],
    new_password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="MASCUSTOMERS_STAFF_PASSWORD",
            help="the new password (at least 10 characters)",
        ),
    ],
) -> None:
    """Set a new password: lifts a lock-out and signs the user out everywhere."""
    with command_session() as session:
        user = staff_service.set_password(
            session,
            org=auth_service.get_org(session, slug=org),
            username=username,
            password=new_password,
        )
        typer.echo(f"staff user {user.username}: password changed, sessions ended")


@app.command("disable")
def disable(
    org: Annotated[str, typer.Option(help="org slug")],
    username: Annotated[str, typer.Option(help="sign-in name")],
) -> None:
    """The user may no longer sign in; their open sessions end at once."""
    with command_session() as session:
        user = staff_service.disable_staff(
            session,
            org=auth_service.get_org(session, slug=org),
            username=username,
            now=clock_for(None).now(),
        )
        typer.echo(f"staff user {user.username} disabled")
