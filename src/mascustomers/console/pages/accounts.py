"""The account: status, tax province and its history, payment info, invoices with their PDFs,
contracts, permanences, promotions, lines and penalties (compute, confirm, delete)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from mascustomers.accounts import reads
from mascustomers.auth import service as auth_service
from mascustomers.auth.permissions import Permission
from mascustomers.billing import invoices
from mascustomers.catalog import master_data
from mascustomers.console import repository
from mascustomers.console.dependencies import CallerDep, FormDep, StaffDep, may_change
from mascustomers.console.forms import choice
from mascustomers.console.paging import Page, PageNumber, limit_and_offset
from mascustomers.console.rendering import PREFIX, redirect, render
from mascustomers.console.route import ConsoleRoute
from mascustomers.console.service import Staff
from mascustomers.db.dependencies import SessionDep
from mascustomers.kit.request_fields import Id
from mascustomers.ops import schemas as ops_schemas
from mascustomers.ops import service as ops_accounts
from mascustomers.penalties import service as penalties_service
from mascustomers.penalties.states import AccountReason

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Penalties = Annotated[Staff, Depends(may_change(Permission.PENALTIES))]
Operations = Annotated[Staff, Depends(may_change(Permission.OPERATIONS))]


@router.get(f"{PREFIX}/accounts/{{account_id}}")
def account(
    request: Request,
    *,
    account_id: Id,
    session: SessionDep,
    staff: StaffDep,
    caller: CallerDep,
    invoices_from: Annotated[date | None, Query()] = None,
    invoices_to: Annotated[date | None, Query()] = None,
    invoices_page: PageNumber = 1,
    lines_page: PageNumber = 1,
    contracts_page: PageNumber = 1,
    penalties_page: PageNumber = 1,
    terms_page: PageNumber = 1,
    promotions_page: PageNumber = 1,
    work_orders_page: PageNumber = 1,
) -> Response:
    """Everything about one account, each list a page at a time."""
    org_id, tz = staff.org_id, staff.timezone
    info = reads.account_info(session, org_id=org_id, account_id=account_id)
    rows = _row_pages(
        session,
        org_id=org_id,
        account_id=account_id,
        pages={"lines": lines_page, "contracts": contracts_page, "penalties": penalties_page},
    )
    found_invoices = reads.account_invoices(
        session,
        org_id=org_id,
        account_id=account_id,
        start_date=invoices_from,
        end_date=invoices_to,
        today=caller.today,
        tz=tz,
    )
    return render(
        request,
        "account.html",
        account=info,
        tax=_tax_history(session, org_id=org_id, account_id=account_id),
        payment=reads.payment_info(session, org_id=org_id, account_id=account_id),
        invoices=Page.of_list(found_invoices.invoices, invoices_page),
        invoice_period=found_invoices.period_date,
        terms=Page.of_list(
            reads.account_terms(session, org_id=org_id, account_id=account_id, tz=tz),
            terms_page,
        ),
        promotions=Page.of_list(
            _promotions(session, org_id=org_id, account_id=account_id, now=caller.now),
            promotions_page,
        ),
        work_orders=Page.of_list(info.work_orders, work_orders_page),
        lines=rows["lines"],
        contracts=rows["contracts"],
        penalties=rows["penalties"],
        provinces=master_data.provinces(),
        account_reasons=list(AccountReason),
        Permission=Permission,
    )


@router.post(f"{PREFIX}/accounts/{{account_id}}/penalties")
def compute_penalty(
    request: Request,
    *,
    account_id: Id,
    session: SessionDep,
    staff: Penalties,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """GET penalties/{accountId}?reason=: a computation to confirm (stored, as the API's)."""
    stored = penalties_service.compute_for_account(
        session,
        org_id=caller.org_id,
        account_id=account_id,
        reason=choice(AccountReason, form.get("reason"), field="reason"),
        now=caller.now,
        today=caller.today,
    )
    total = sum((line.value for line in stored.lines), start=0)
    return redirect(
        request,
        f"{PREFIX}/accounts/{account_id}",
        flash=f"Penalty {stored.penalty.id} computed: {len(stored.lines)} lines, {total} €.",
    )


@router.post(f"{PREFIX}/penalties/{{penalty_id}}/confirm")
def confirm_penalty(
    request: Request, *, penalty_id: Id, session: SessionDep, staff: Penalties, caller: CallerDep
) -> Response:
    """PUT penalties/{computePenaltyId}: every line confirmed, charged on the next invoice."""
    penalties_service.confirm(
        session, org_id=caller.org_id, computed_penalty_id=penalty_id, line_ids=None, now=caller.now
    )
    return _back(request, f"Penalty {penalty_id} confirmed.")


@router.post(f"{PREFIX}/penalties/{{penalty_id}}/delete")
def delete_penalty(
    request: Request, *, penalty_id: Id, session: SessionDep, staff: Penalties, caller: CallerDep
) -> Response:
    """DELETE penalties/{computePenaltyId}: a confirmed penalty withdrawn."""
    penalties_service.delete(
        session, org_id=caller.org_id, computed_penalty_id=penalty_id, now=caller.now
    )
    return _back(request, f"Penalty {penalty_id} deleted.")


@router.post(f"{PREFIX}/accounts/{{account_id}}/tax-province")
def change_tax_province(
    request: Request,
    *,
    account_id: Id,
    session: SessionDep,
    staff: Operations,
    caller: CallerDep,
    form: FormDep,
) -> Response:
    """POST ops/accounts/{accountId}/tax-province: the tax of the customer's new province."""
    change = ops_schemas.TaxProvinceChange.model_validate({"state_id": form.get("state_id")})
    period = ops_accounts.change_tax_province(
        session, caller=caller, account_id=account_id, state_id=change.state_id
    )
    return redirect(
        request,
        f"{PREFIX}/accounts/{account_id}",
        flash=f"Tax province changed: {period.description} {period.tax_value} %.",
    )


@router.get(f"{PREFIX}/invoices/{{number}}.pdf")
def invoice_pdf(number: str, session: SessionDep, staff: StaffDep) -> Response:
    """The invoice's PDF (GET ops/invoices/{number}.pdf's document)."""
    org = auth_service.get_org(session, slug=staff.org_slug)
    content = invoices.invoice_pdf(session, org=org, number=number)
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "content-disposition": f'inline; filename="{number}.pdf"',
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
        },
    )


@dataclass(frozen=True)
class PromotionRow:
    level: str
    name: str | None
    start: datetime
    end: datetime | None


def _tax_history(session: Session, *, org_id: int, account_id: int) -> Any:
    return reads.account_tax(
        session,
        org_id=org_id,
        account_id=account_id,
        include_historical_changes=True,
        start=None,
        end=None,
    )


def _promotions(
    session: Session, *, org_id: int, account_id: int, now: datetime
) -> list[PromotionRow]:
    """The three levels of GET accounts/{accountId}/promotions as one list to page through."""
    found = reads.account_promotions(
        session, org_id=org_id, account_id=account_id, filters=[], now=now
    )
    return [
        *(
            PromotionRow(
                f"Line {p.subscription_id}", p.promotion_name, p.association_date, p.end_date
            )
            for p in found.subscription_promotions
        ),
        *(
            PromotionRow("Account", p.promotion_name, p.begin_date, p.end_date)
            for p in found.account_promotions
        ),
        *(
            PromotionRow(
                f"Bundle {p.account_bundle_id}",
                p.promotion_name,
                p.effective_date_ini,
                p.effective_date_end,
            )
            for p in found.account_bundle_promotions
        ),
    ]


def _back(request: Request, message: str) -> Response:
    from mascustomers.console.rendering import back_url

    return redirect(request, back_url(request, f"{PREFIX}/"), flash=message)


_ROW_READS = {
    "lines": repository.lines_of_account,
    "contracts": repository.contracts_of_account,
    "penalties": repository.penalties_of_account,
}


def _row_pages(
    session: Session, *, org_id: int, account_id: int, pages: dict[str, int]
) -> dict[str, Page[Any]]:
    """The account's lines, contracts and penalties, each one page read from its index."""
    found = {}
    for name, number in pages.items():
        limit, offset = limit_and_offset(number)
        rows = _ROW_READS[name](
            session, org_id=org_id, account_id=account_id, limit=limit, offset=offset
        )
        found[name] = Page.of_rows(rows, number)
    return found
