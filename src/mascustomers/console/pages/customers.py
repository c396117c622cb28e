"""Search, and the customer: its data, users and accounts with their lines (the tree)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from mascustomers.console import lookups, repository
from mascustomers.console.dependencies import StaffDep
from mascustomers.console.paging import Page, PageNumber, limit_and_offset
from mascustomers.console.rendering import PREFIX, redirect, render
from mascustomers.console.route import ConsoleRoute
from mascustomers.customers import reads as tree
from mascustomers.db.dependencies import SessionDep
from mascustomers.errors import DomainError
from mascustomers.kit.request_fields import Id

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
DOCUMENT_TYPES = ("NIF", "NIE", "CIF", "PASAPORTE")


def _search_page(request: Request, *, status_code: int = 200, **context: object) -> Response:
    return render(
        request,
        "search.html",
        status_code=status_code,
        kinds=list(lookups.SearchBy),
        document_types=DOCUMENT_TYPES,
        **{"by": "phone", "q": "", "document_type": "NIF", "problem": None, **context},
    )


@router.get(f"{PREFIX}/")
def home(request: Request, *, staff: StaffDep) -> Response:
    """The search form."""
    return _search_page(request)


@router.get(f"{PREFIX}/search")
def search(
    request: Request,
    *,
    session: SessionDep,
    staff: StaffDep,
    by: lookups.SearchBy = lookups.SearchBy.PHONE,
    q: Annotated[str, Query(max_length=200)] = "",
    document_type: Annotated[str, Query(max_length=20)] = "NIF",
) -> Response:
    """Find a customer by phone number, e-mail, document, account number or ICCID."""
    try:
        customer_id = lookups.find_customer(
            session, org_id=staff.org_id, by=by, value=q, document_type=document_type
        )
    except DomainError as error:
        return _search_page(
            request,
            status_code=error.error.http_status,
            by=by.value,
            q=q,
            document_type=document_type,
            problem=error,
        )
    return redirect(request, f"{PREFIX}/customers/{customer_id}")


@router.get(f"{PREFIX}/customers/{{customer_id}}")
def customer(
    request: Request,
    *,
    customer_id: Id,
    session: SessionDep,
    staff: StaffDep,
    accounts_page: PageNumber = 1,
    users_page: PageNumber = 1,
) -> Response:
    """The customer: owner's data, the tree of accounts and lines, and its users."""
    found = tree.customer_tree(session, org_id=staff.org_id, customer_id=customer_id)
    owner = tree.user_document(session, org_id=staff.org_id, user_id=found.id) if found.id else None
    limit, offset = limit_and_offset(users_page)
    users = repository.users_of_customer(
        session, org_id=staff.org_id, customer_id=customer_id, limit=limit, offset=offset
    )
    return render(
        request,
        "customer.html",
        tree=found,
        owner=owner,
        accounts=Page.of_list(found.accounts, accounts_page),
        users=Page.of_rows(users, users_page),
    )
