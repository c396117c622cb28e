"""Issued invoices in the back office (permission ``operations``): the issuer, an invoice as
issued, rectifying and cancelling it, and its VERI*FACTU records (XML export, chain check).
Not in the reference."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from mascustomers.auth import service as auth_service
from mascustomers.auth.caller import CallerDep
from mascustomers.billing import invoices, rectifying
from mascustomers.billing import issuer as issuer_service
from mascustomers.billing.invoice_schemas import (
    CancelCreate,
    ChainView,
    IssuedInvoice,
    IssuerView,
    RectifyCreate,
)
from mascustomers.billing.verifactu import chain, submission
from mascustomers.billing.verifactu.xml import MAX_RECORDS
from mascustomers.catalog.issuer_section import IssuerSection
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Offset
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)
OPS = "/v2/orgs/{orgId}/ops"
EXTRA: dict[str, Any] = {"x-permission": "operations"}
TAGS: list[str | Any] = ["Operations"]
XML = {
    200: {
        "content": {"text/xml": {"schema": {"type": "string"}}},
        "description": "RegFactuSistemaFacturacion (SuministroLR.xsd)",
    }
}


@router.get(f"{OPS}/billing/issuer", response_model=IssuerView, tags=TAGS, openapi_extra=EXTRA)
def get_issuer(session: SessionDep, caller: CallerDep) -> IssuerView:
    """Who issues the org's invoices: legal name, NIF, fiscal address, series, F2 and payment
    term (400 ``0104`` when not set)."""
    return IssuerView.of(issuer_service.settings(session, org_id=caller.org_id))


@router.put(f"{OPS}/billing/issuer", response_model=IssuerView, tags=TAGS, openapi_extra=EXTRA)
def put_issuer(body: IssuerSection, session: SessionDep, caller: CallerDep) -> IssuerView:
    """Replace the issuer settings. The NIF is checked (DNI, NIE or CIF check character); new
    invoices copy them, issued ones keep what they were issued with. A new series starts at 1;
    a new NIF starts a new chain of records."""
    row = issuer_service.replace(session, org_id=caller.org_id, values=body, now=caller.now)
    return IssuerView.of(row)


@router.get(
    f"{OPS}/invoices/{{number}}/details",
    response_model=IssuedInvoice,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def get_issued_invoice(number: str, session: SessionDep, caller: CallerDep) -> IssuedInvoice:
    """An invoice as issued: both parties, type, series, dates, lines, the invoices rectifying
    it, its VERI*FACTU records and the QR code's verification URL."""
    org = auth_service.get_org(session, slug=caller.org_slug)
    return invoices.issued(session, org=org, number=number)


@router.post(
    f"{OPS}/invoices/{{number}}/rectify",
    response_model=IssuedInvoice,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def rectify_invoice(
    number: str, body: RectifyCreate, session: SessionDep, caller: CallerDep
) -> IssuedInvoice:
    """Issue a rectifying invoice of ``number`` (the original is never edited): a new invoice in
    the rectifying series crediting its lines, with its record. 400 ``0105`` when the reason
    does not fit the invoice, ``0106`` when a credit exceeds what is left of a line."""
    org = auth_service.get_org(session, slug=caller.org_slug)
    invoice = rectifying.rectify(
        session,
        org_id=org.id,
        timezone=org.timezone,
        number=number,
        reason=body.reason,
        note=body.note,
        credits=body.credits(),
        now=caller.now,
    )
    return invoices.issued(session, org=org, number=invoice.number)


@router.post(
    f"{OPS}/invoices/{{number}}/cancel",
    response_model=IssuedInvoice,
    tags=TAGS,
    openapi_extra=EXTRA,
)
def cancel_invoice(
    number: str, body: CancelCreate, session: SessionDep, caller: CallerDep
) -> IssuedInvoice:
    """Cancel an invoice that should never have been issued (unpaid, never rectified): ANULADO,
    with a cancellation record (anulación). 400 ``0107`` otherwise: correct it with a
    rectifying invoice instead."""
    org = auth_service.get_org(session, slug=caller.org_slug)
    rectifying.cancel(
        session,
        org_id=org.id,
        timezone=org.timezone,
        number=number,
        note=body.note,
        actor=caller.actor,
        now=caller.now,
    )
    return invoices.issued(session, org=org, number=number)


@router.get(
    f"{OPS}/billing/records.xml",
    response_class=Response,
    responses=XML,  # type: ignore[arg-type]
    tags=TAGS,
    openapi_extra=EXTRA,
)
def export_records(
    *,
    session: SessionDep,
    caller: CallerDep,
    after_seq: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_RECORDS)] = MAX_RECORDS,
    issuer_tax_id: Annotated[str | None, Query(min_length=9, max_length=9)] = None,
) -> Response:
    """The VERI*FACTU records after ``after_seq`` as the AEAT's XML (RegFactuSistemaFacturacion,
    at most 1,000): of the issuer's chain, or of the chain of ``issuer_tax_id``."""
    tax_id = issuer_tax_id or issuer_service.require(session, org_id=caller.org_id).tax_id
    content = submission.export(
        session,
        org_id=caller.org_id,
        issuer_tax_id=tax_id,
        first_seq=after_seq + 1,
        last_seq=after_seq + limit,
    )
    return Response(content, media_type="text/xml")


@router.get(
    f"{OPS}/billing/records/verify",
    response_model=list[ChainView],
    tags=TAGS,
    openapi_extra=EXTRA,
)
def verify_records(session: SessionDep, caller: CallerDep) -> list[ChainView]:
    """Recompute every record's fingerprint and follow every link of the org's chains; the
    first broken link of each (what ``mascustomers billing verify-chain`` reports)."""
    return [ChainView.of(report) for report in chain.verify(session, org_id=caller.org_id)]
