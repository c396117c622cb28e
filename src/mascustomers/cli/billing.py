"""``mascustomers billing …``: billing runs and invoice documents."""

from pathlib import Path
from typing import Annotated

import typer

from mascustomers.auth import service as auth_service
from mascustomers.billing import invoices
from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing.schemas import BillingRunResult
from mascustomers.billing.service import OrgRef
from mascustomers.cli import invoicing
from mascustomers.cli.context import command_session
from mascustomers.scheduler import clocks

app = typer.Typer(no_args_is_help=True)
app.command("issuer")(invoicing.issuer)
app.command("rectify")(invoicing.rectify)
app.command("cancel")(invoicing.cancel)
app.command("records-xml")(invoicing.records_xml)
app.command("verify-chain")(invoicing.verify_chain)
app.command("submit")(invoicing.submit)


@app.command("run")
def run(
    org: Annotated[str, typer.Option(help="org slug")],
    cycle: Annotated[str, typer.Option(help="month to bill, YYYY-MM (org time zone)")],
    batch_size: Annotated[int, typer.Option(help="accounts per transaction")] = (
        billing_jobs.DEFAULT_BATCH_SIZE
    ),
) -> None:
    """Issue one invoice per postpaid account with charges in the cycle (re-runs add nothing)."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        now = clocks.org_now(session, org_id=found.id)
        run = billing_jobs.run_cycle(
            session,
            org=OrgRef.of(found),
            cycle=billing_jobs.parse_cycle(cycle),
            now=now,
            batch_size=batch_size,
        )
    result = BillingRunResult.of(run)
    typer.echo(
        f"cycle {result.cycle} ({result.start_date} – {result.end_date}): "
        f"{result.invoices} invoices for {result.accounts} accounts, "
        f"net {result.value}, total {result.value_total}"
    )
    if result.first_number:
        typer.echo(f"numbers {result.first_number} – {result.last_number}")


@app.command("pdf")
def pdf(
    org: Annotated[str, typer.Option(help="org slug")],
    number: Annotated[str, typer.Option(help="invoice number, e.g. MM00000001")],
    out: Annotated[Path, typer.Option(help="file to write")],
) -> None:
    """Write an invoice's PDF document to a file."""
    with command_session() as session:
        content = invoices.invoice_pdf(
            session, org=auth_service.get_org(session, slug=org), number=number
        )
    out.write_bytes(content)
    typer.echo(f"wrote {out} ({len(content)} bytes)")
