"""Billing: run a cycle, list the org's invoices (with their PDFs), record a payment."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing.schemas import BillingRunCreate, BillingRunResult
from mascustomers.billing.service import OrgRef
from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.console import repository
from mascustomers.console.dependencies import CallerDep, FormDep, StaffDep, may_change
from mascustomers.console.paging import PAGE_SIZE
from mascustomers.console.rendering import PREFIX, back_url, redirect, render
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.service import Staff
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id
from mascustomers.ops import service as payments
from mascustomers.ops.schemas import PaymentCreate, PaymentResult
from mascustomers.ops.service import PAYABLE

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Operations = Annotated[Staff, Depends(may_change(Permission.OPERATIONS))]


@router.get(f"{PREFIX}/billing")
def billing(
    request: Request,
    *,
    session: SessionDep,
    staff: StaffDep,
    caller: CallerDep,
    before: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The org's invoices, newest first, a page at a time before a cursor (invoice number)."""
    rows = repository.invoices_before(
        session, org_id=staff.org_id, before_number=before, limit=PAGE_SIZE + 1
    )
    shown = rows[:PAGE_SIZE]
    last_month = caller.today.replace(day=1)
    previous = (
        f"{last_month.year - 1}-12"
        if last_month.month == 1
        else f"{last_month.year}-{last_month.month - 1:02d}"
    )
    return render(
        request,
        "billing.html",
        invoices=shown,
        first=before is None,
        next_cursor=shown[-1].number if len(rows) > PAGE_SIZE else None,
        payable={status.value for status in PAYABLE},
        statuses={status.value: status.label for status in InvoiceStatus},
        suggested_cycle=previous,
        today=caller.today,
        Permission=Permission,
    )


@router.post(f"{PREFIX}/billing/run")
def run_billing(
    request: Request, *, session: SessionDep, staff: Operations, caller: CallerDep, form: FormDep
) -> Response:
    """POST ops/billing/run: the invoices of a closed monthly cycle."""
    body = BillingRunCreate.model_validate({"cycle": form.text("cycle")})
    org = auth_service.get_org(session, slug=caller.org_slug)
    cycle = billing_jobs.parse_cycle(body.cycle)
    result = BillingRunResult.of(
        billing_jobs.run_cycle(session, org=OrgRef.of(org), cycle=cycle, now=caller.now)
    )
    numbers = f" ({result.first_number} – {result.last_number})" if result.first_number else ""
    return redirect(
        request,
        f"{PREFIX}/billing",
        flash=(
            f"Cycle {result.cycle}: {result.invoices} invoices issued{numbers}, "
            f"{result.value_total} € with tax."
        ),
    )


@router.post(f"{PREFIX}/invoices/{{invoice_id}}/payment")
def pay_invoice(
    request: Request,
    *,
    invoice_id: Id,
    session: SessionDep,
    staff: Operations,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """POST ops/invoices/{invoiceId}/payment: PENDIENTE (or DEVUELTO) → PAGADO."""
    body = PaymentCreate.model_validate({"pay_date": form.text("pay_date")})
    tz = staff.timezone
    invoice = payments.pay_invoice(
        session, caller=caller, invoice_id=invoice_id, pay_date=body.pay_date
    )
    paid = PaymentResult.of(invoice, tz)
    return redirect(
        request,
        back_url(request, f"{PREFIX}/billing"),
        flash=f"Invoice {paid.number} {paid.status.value} on {paid.pay_date}.",
    )
