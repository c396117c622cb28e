"""``mascustomers db …``"""

import typer

from mascustomers.db import migrate
from mascustomers.settings import Settings

app = typer.Typer(no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply every migration to the configured database."""
    settings = Settings()
    migrate.upgrade(settings.database_url)
    typer.echo("database is at the newest revision")
