"""Users operations: the user document, the users tree (GET, POST, full) and agile TV."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from mascustomers.auth.caller import CallerDep
from mascustomers.customers import reads, service
from mascustomers.customers.schemas import (
    AgileTvChange,
    AgileTvChanged,
    TreeFullSearch,
    TreeSearch,
    UserDocument,
    UserTree,
    UserTreeFull,
)
from mascustomers.db.dependencies import READ_ONLY_EXTRA, SessionDep
from mascustomers.kit.request_fields import Id
from mascustomers.routing.v2_route import V2Route

router = APIRouter(route_class=V2Route)
# Searches sent as POST bodies write nothing: no write lock (db.dependencies).
READ_ONLY: dict[str, Any] = {READ_ONLY_EXTRA: True}

UserId = Annotated[Id, Path(description="user identifier")]


@router.get("/v2/orgs/{orgId}/users/tree", response_model=UserTree)
def get_users_tree(
    *,
    session: SessionDep,
    caller: CallerDep,
    email: Annotated[str | None, Query(max_length=200, description="user email")] = None,
    number: Annotated[
        str | None, Query(max_length=20, description="user phone number (MSISDN or fixed)")
    ] = None,
    nif: Annotated[
        str | None,
        Query(max_length=30, deprecated=True, description="DEPRECATED, use documentType"),
    ] = None,
    documentType: Annotated[
        str | None,
        Query(max_length=20, description="document type id (1-4) or NIF, DNI, NIE, TR, CIF, PASS"),
    ] = None,
    document: Annotated[
        str | None, Query(max_length=30, description="document with numbers and letters")
    ] = None,
) -> UserTree:
    """Returns customer tree data associated to a given document identification, email or
    number of the client.

    ``number`` is the MSISDN or fixed number of a live line; ``email`` is compared
    case-insensitively. Criteria given together must all match the same customer. No criterion
    answers 400, no match 404, and a customer whose state does not allow login (blocked, or
    every account terminated) 403 with code ``0010``.
    """
    search = TreeSearch(
        email=email, number=number, nif=nif, documentType=documentType, document=document
    )
    return reads.find_tree(session, org_id=caller.org_id, search=search)


@router.post("/v2/orgs/{orgId}/users/tree", response_model=UserTree, openapi_extra=READ_ONLY)
def post_users_tree(*, body: TreeSearch, session: SessionDep, caller: CallerDep) -> UserTree:
    """Returns customer tree data.

    The same search as ``GET users/tree`` (``email``, ``number``, ``documentType`` and
    ``document``; ``document_type`` is accepted too), sent as a JSON body so that it stays out
    of URLs and access logs.
    """
    return reads.find_tree(session, org_id=caller.org_id, search=body)


@router.post(
    "/v2/orgs/{orgId}/users/tree/full", response_model=UserTreeFull, openapi_extra=READ_ONLY
)
def post_users_tree_full(
    *, body: TreeFullSearch, session: SessionDep, caller: CallerDep
) -> UserTreeFull:
    """Returns full customer tree data.

    The customer with this identity document, its accounts and lines, and for each line its
    current product, its services with their state and the bonuses in force now.
    """
    search = TreeSearch(document_type=body.document_type.value, document=body.document)
    return reads.find_full_tree(session, org_id=caller.org_id, search=search, now=caller.now)


@router.get("/v2/orgs/{orgId}/users/{userId}", response_model=UserDocument)
def get_user(*, userId: UserId, session: SessionDep, caller: CallerDep) -> UserDocument:
    """Returns user data by userId.

    ``personal`` is filled for people and ``business`` (with its ``responsable``) for the owner
    of a company customer (type 2); the other one is null.
    """
    return reads.user_document(session, org_id=caller.org_id, user_id=userId)


@router.patch("/v2/orgs/{orgId}/users/agile-tv", response_model=AgileTvChanged)
def patch_agile_tv(
    *, body: AgileTvChange, session: SessionDep, caller: CallerDep
) -> AgileTvChanged:
    """Patch users agile tv subscription.

    Changes the registration email of the TV subscription of the customer with
    ``document_number`` whose registration email is ``old_email`` (compared
    case-insensitively). Emails: at most 82 characters, RFC syntax. No such customer or TV
    subscription answers 404.
    """
    return service.change_registration_email(session, org_id=caller.org_id, change=body)
