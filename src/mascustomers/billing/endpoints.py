"""Billing runs and invoice documents, under the back office's ``/v2/orgs/{orgId}/ops``
(permission ``operations``). Not in the reference: what issues the invoices
``GET .../accounts/{accountId}/invoices`` lists."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from mascustomers.auth import service as auth_service
from mascustomers.auth.caller import CallerDep
from mascustomers.billing import invoices
from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing.schemas import BillingRunCreate, BillingRunResult
from mascustomers.billing.service import OrgRef
from mascustomers.db.dependencies import SessionDep
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)
OPS = "/v2/orgs/{orgId}/ops"
EXTRA: dict[str, Any] = {"x-permission": "operations"}
TAGS: list[str | Any] = ["Operations"]
PDF = {200: {"content": {"application/pdf": {}}, "description": "The invoice document"}}


@router.post(f"{OPS}/billing/run", response_model=BillingRunResult, tags=TAGS, openapi_extra=EXTRA)
def run_billing(body: BillingRunCreate, session: SessionDep, caller: CallerDep) -> BillingRunResult:
    """Issue the invoices of a monthly cycle: one per postpaid account with charges in it.

    The cycle is a calendar month in the org's time zone and must be over in the org's time
    (400 ``0103``). Lines: products prorated by active days (split at tariff changes),
    bonuses, promotion discounts, device installments and confirmed penalties, taxed by the
    account's province (IVA, IGIC, IPSI). Invoices are numbered without gaps, PENDIENTE until
    paid. Running a cycle again only bills accounts it has not billed yet.
    """
    org = auth_service.get_org(session, slug=caller.org_slug)
    cycle = billing_jobs.parse_cycle(body.cycle)
    run = billing_jobs.run_cycle(session, org=OrgRef.of(org), cycle=cycle, now=caller.now)
    return BillingRunResult.of(run)


@router.get(
    f"{OPS}/invoices/{{number}}.pdf",
    response_class=Response,
    responses=PDF,  # type: ignore[arg-type]
    tags=TAGS,
    openapi_extra=EXTRA,
)
def invoice_document(number: str, session: SessionDep, caller: CallerDep) -> Response:
    """The invoice's PDF, rendered from its stored lines (the invoice's ``path``)."""
    org = auth_service.get_org(session, slug=caller.org_slug)
    content = invoices.invoice_pdf(session, org=org, number=number)
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{number}.pdf"'},
    )
