"""``mascustomers demo``: what ``make run`` uses to get a working sandbox."""

import typer

from mascustomers.auth import repository as auth_repository
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.db import migrate
from mascustomers.db.unit_of_work import unit_of_work
from mascustomers.settings import Settings

DEMO_ORG = "telco"


def demo(
    host: str = typer.Option("127.0.0.1", help="host shown in the curl line"),
    port: int = typer.Option(8000, help="port shown in the curl line"),
) -> None:
    """Migrate, create the sandbox org `telco` with its demo data, and print a fresh API key."""
    settings = Settings()
    migrate.upgrade(settings.database_url)
    with unit_of_work(settings) as session:
        org = auth_repository.get_org_by_slug(session, DEMO_ORG)
        if org is None:
            org = auth_service.create_org(
                session, slug=DEMO_ORG, name="Telco demo", is_sandbox=True
            )
        created = auth_service.create_key(
            session, org=org, name="demo", permissions=frozenset(Permission)
        )
    base = f"http://{host}:{port}"
    typer.echo(f"Demo org '{DEMO_ORG}' is ready in {settings.database_url}")
    typer.echo(f"API key (all permissions): {created.secret}")
    typer.echo(f'Try: curl -H "x-api-key: {created.secret}" {base}/v2/openapi.json')
    typer.echo(f"Docs: {base}/docs")
