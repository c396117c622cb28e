"""``mascustomers billing issuer|rectify|cancel|records-xml|verify-chain|submit``: issued
invoices and their VERI*FACTU records (registered on the ``billing`` command group)."""

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from mascustomers.auth import service as auth_service
from mascustomers.billing import issuer as issuer_service
from mascustomers.billing import rectifying
from mascustomers.billing.invoice_schemas import CreditLine, IssuerView
from mascustomers.billing.rectifying import Credit, RectificationReason
from mascustomers.billing.verifactu import chain, submission
from mascustomers.billing.verifactu.xml import MAX_RECORDS
from mascustomers.catalog.issuer_section import IssuerSection
from mascustomers.cli.context import command_session
from mascustomers.scheduler import clocks

Org = Annotated[str, typer.Option(help="org slug")]


def issuer(
    *,
    org: Org,
    legal_name: Annotated[str | None, typer.Option(help="legal name")] = None,
    tax_id: Annotated[str | None, typer.Option(help="NIF (DNI, NIE or CIF)")] = None,
    street: Annotated[str | None, typer.Option(help="fiscal address: street and number")] = None,
    postal_code: Annotated[str | None, typer.Option(help="fiscal address: postal code")] = None,
    locality: Annotated[str | None, typer.Option(help="fiscal address: locality")] = None,
    province: Annotated[str | None, typer.Option(help="fiscal address: province")] = None,
    country_code: Annotated[str | None, typer.Option(help="ISO country code")] = None,
    series: Annotated[str | None, typer.Option(help="invoice series")] = None,
    rectifying_series: Annotated[str | None, typer.Option(help="rectifying series")] = None,
    simplified: Annotated[
        bool | None, typer.Option("--simplified/--no-simplified", help="issue F2 to consumers")
    ] = None,
    payment_days: Annotated[int | None, typer.Option(help="days to the due date")] = None,
) -> None:
    """Show the org's invoice issuer, or change the settings given (the others stay)."""
    given = {name: value for name, value in locals().items() if name != "org" and value is not None}
    if "simplified" in given:
        given["simplified_invoices"] = given.pop("simplified")
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        if given:
            current: dict[str, Any] = {}
            existing = issuer_service.find(session, org_id=found.id)
            if existing is not None:
                row = issuer_service.settings(session, org_id=found.id)
                current = {name: getattr(row, name) for name in IssuerSection.model_fields}
            try:
                values = IssuerSection.model_validate({**current, **given})
            except ValidationError as error:
                for problem in error.errors():
                    where = ".".join(str(part) for part in problem["loc"]) or "issuer"
                    typer.echo(f"error: {where}: {problem['msg']}", err=True)
                raise typer.Exit(1) from error
            now = clocks.org_now(session, org_id=found.id)
            issuer_service.replace(session, org_id=found.id, values=values, now=now)
        view = IssuerView.of(issuer_service.settings(session, org_id=found.id))
    for name, value in view.model_dump().items():
        typer.echo(f"{name}: {value}")


def _credit(text: str) -> Credit:
    """``LINE_ID`` or ``LINE_ID:AMOUNT``, checked as the API checks a credit line (a positive
    plain decimal with at most two decimals)."""
    line, _, amount = text.partition(":")
    try:
        credit = CreditLine.model_validate({"line_id": line, "amount": amount or None})
    except ValidationError as error:
        problems = "; ".join(problem["msg"] for problem in error.errors())
        raise typer.BadParameter(f"{text!r}: LINE_ID or LINE_ID:AMOUNT ({problems})") from error
    return Credit(credit.line_id, credit.amount)


def rectify(
    org: Org,
    number: Annotated[str, typer.Option(help="the invoice to rectify")],
    reason: Annotated[RectificationReason, typer.Option(help="why")],
    note: Annotated[str, typer.Option(help="the operator's words")],
    line: Annotated[
        list[str] | None, typer.Option(help="LINE_ID or LINE_ID:AMOUNT (net EUR), repeatable")
    ] = None,
) -> None:
    """Issue a rectifying invoice (the original is never edited)."""
    credits = [_credit(text) for text in line or []]
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        invoice = rectifying.rectify(
            session,
            org_id=found.id,
            timezone=found.timezone,
            number=number,
            reason=reason,
            note=note,
            credits=credits,
            now=clocks.org_now(session, org_id=found.id),
        )
        summary = f"{invoice.invoice_type} {invoice.number}: total {invoice.value_total}"
    typer.echo(f"issued {summary} rectifying {number}")


def cancel(
    org: Org,
    number: Annotated[str, typer.Option(help="the invoice to cancel")],
    note: Annotated[str, typer.Option(help="why it should never have been issued")],
    actor: Annotated[str, typer.Option(help="name kept as who cancelled it")] = "cli",
) -> None:
    """Cancel an invoice issued by mistake (unpaid, never rectified): a cancellation record."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        rectifying.cancel(
            session,
            org_id=found.id,
            timezone=found.timezone,
            number=number,
            note=note,
            actor=actor,
            now=clocks.org_now(session, org_id=found.id),
        )
    typer.echo(f"cancelled {number}")


def records_xml(
    org: Org,
    out: Annotated[Path, typer.Option(help="file to write")],
    after_seq: Annotated[int, typer.Option(min=0, help="records after this position")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=MAX_RECORDS)] = MAX_RECORDS,
    issuer_tax_id: Annotated[str | None, typer.Option(help="the chain of this NIF")] = None,
) -> None:
    """Write records as the AEAT's XML (RegFactuSistemaFacturacion, at most 1,000)."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        tax_id = issuer_tax_id or issuer_service.require(session, org_id=found.id).tax_id
        content = submission.export(
            session,
            org_id=found.id,
            issuer_tax_id=tax_id,
            first_seq=after_seq + 1,
            last_seq=after_seq + limit,
        )
    out.write_bytes(content)
    typer.echo(f"wrote {out} ({len(content)} bytes)")


def verify_chain(org: Org) -> None:
    """Recompute every record's fingerprint and follow every link; exit 1 at a broken one."""
    with command_session() as session:
        reports = chain.verify(session, org_id=auth_service.get_org(session, slug=org).id)
    if not reports:
        typer.echo("no billing records")
    for report in reports:
        if report.broken is None:
            typer.echo(f"chain {report.issuer_tax_id}: {report.records} records, intact")
        else:
            typer.echo(
                f"chain {report.issuer_tax_id}: broken at {report.broken.describe()} "
                f"({report.records} records before it are intact)"
            )
    if any(report.broken is not None for report in reports):
        raise typer.Exit(1)


def submit(
    org: Org,
    drop_dir: Annotated[Path, typer.Option(help="directory the XML files are dropped in")],
) -> None:
    """Hand the records not handed over yet to a file drop: XML files (1,000 records each) in
    ``drop_dir`` for a sender with the certificate. Nothing is sent to the AEAT from here."""
    with command_session() as session:
        found = auth_service.get_org(session, slug=org)
        tax_id = issuer_service.require(session, org_id=found.id).tax_id
        done = submission.submit_pending(
            session,
            org_id=found.id,
            issuer_tax_id=tax_id,
            submitter=submission.FileDrop(drop_dir),
            now=clocks.org_now(session, org_id=found.id),
        )
        for item in done:
            typer.echo(f"records {item.first_seq}-{item.last_seq} -> {item.location}")
    if not done:
        typer.echo("nothing to hand over")
