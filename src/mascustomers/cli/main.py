"""The ``mascustomers`` command."""

import typer

from mascustomers.cli import apikeys, database, demo, orgs, serve

app = typer.Typer(no_args_is_help=True, help="mascustomers: Customers API v2 back office.")
app.add_typer(orgs.app, name="org", help="Create and list orgs.")
app.add_typer(apikeys.app, name="apikey", help="Create, list and revoke API keys.")
app.add_typer(database.app, name="db", help="Database schema.")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)

if __name__ == "__main__":
    app()
