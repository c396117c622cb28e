"""The ``mascustomers`` command."""

import typer

from mascustomers.cli import (
    apikeys,
    billing,
    catalogue,
    clock,
    database,
    demo,
    inventory,
    ops,
    orgs,
    scheduler,
    serve,
    staff,
    webhooks,
)

app = typer.Typer(no_args_is_help=True, help="mascustomers: Customers API v2 back office.")
app.add_typer(orgs.app, name="org", help="Create and list orgs.")
app.add_typer(apikeys.app, name="apikey", help="Create, list and revoke API keys.")
app.add_typer(database.app, name="db", help="Database schema.")
app.add_typer(catalogue.app, name="catalogue", help="Load and check org catalogues.")
app.add_typer(inventory.app, name="inventory", help="Stock number pools and SIM cards.")
app.add_typer(scheduler.app, name="scheduler", help="Run scheduled operations when due.")
app.add_typer(clock.app, name="clock", help="Sandbox orgs' test clocks.")
app.add_typer(billing.app, name="billing", help="Billing runs and invoice documents.")
app.add_typer(ops.app, name="ops", help="Back office: holds, work orders, terminations.")
app.add_typer(
    staff.app, name="staff", help="Console staff users: create, list, unlock, password, disable."
)
app.add_typer(webhooks.app, name="webhooks", help="Webhook endpoints, deliveries, the worker.")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)

if __name__ == "__main__":
    app()
