"""What the Users read operations answer: the users tree (find a customer by email, number or
document; its accounts and lines) and the user document (a user with its customer's type,
sector and special treatment), master-data ids shown as ``{"id", "value"}``.

Search rules of the tree:
- ``number`` is the MSISDN or fixed number of a *live* line (``ended_at`` null); a leading
  ``+34``/``0034`` and blanks are accepted. ``email`` is compared case-insensitively (stored
  lower-cased). ``documentType`` (id 1-4 or NIF, DNI, NIE, TR, CIF, PASAPORTE, PASS) goes with
  ``document``; the deprecated ``nif`` is tried as NIF, NIE and CIF.
- Several criteria must all point at the same customer. ``id`` is the user the most specific
  criterion matched (number, then email, then document); when one email or document belongs to
  users of several customers, a customer's owner wins over a line user, then the newest customer.
- A customer may log in unless it is ``login_blocked`` or every one of its accounts is
  terminated (status CANCELADO/BAJA, or all its lines ended): otherwise 403 with code ``0010``.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import DescribedItem, IsoItem, MasterDataList
from mascustomers.catalog.statuses import AccountStatus, CustomerType, SubscriptionType
from mascustomers.customers import repository
from mascustomers.customers.documents import DocumentTypeId, typed_document, untyped_document
from mascustomers.customers.repository import (
    CustomerLineRow,
    DocumentMatch,
    UserDocumentRow,
    UserMatch,
)
from mascustomers.customers.schemas import (
    ActiveBonus,
    AddressInfo,
    Business,
    FullAccount,
    FullSubscription,
    Label,
    Personal,
    Ref,
    Responsable,
    ServiceState,
    TreeAccount,
    TreeSearch,
    TreeSubscription,
    UserDocument,
    UserTree,
    UserTreeFull,
)
from mascustomers.errors import LoginNotAllowed, NotFound, ValidationFailed
from mascustomers.kit.emails import InvalidEmail, validate_email_address

_NUMBER_PREFIX = re.compile(r"^(\+34|0034)")
_NUMBER = re.compile(r"[6789][0-9]{8}")
_TERMINATED_ACCOUNT = frozenset({AccountStatus.CANCELADO, AccountStatus.BAJA})
_NIF_KINDS = (DocumentTypeId.NIF, DocumentTypeId.NIE, DocumentTypeId.CIF)
_MOBILE = frozenset({SubscriptionType.PREPAID_MOBILE, SubscriptionType.POSTPAID_MOBILE})


@dataclass(frozen=True)
class Match:
    customer_id: int
    user_id: int
    is_owner: bool


class AccountLine(NamedTuple):
    """A line of one of the customer's accounts (the row of ``customer_lines`` that has one)."""

    subscription_id: int
    type_id: int
    status_id: int
    user_id: int
    identification_nr: str | None
    associated_number: str | None
    expedition_user_id: int | None
    mobile_line_type: str | None
    product_id: int
    bundle_id: int | None


def _account_line(row: CustomerLineRow) -> AccountLine:
    # A line's own columns are not null: only an account without lines has them all null.
    assert row.subscription_id is not None
    assert row.type_id is not None
    assert row.status_id is not None
    assert row.user_id is not None
    assert row.product_id is not None
    return AccountLine(
        subscription_id=row.subscription_id,
        type_id=row.type_id,
        status_id=row.status_id,
        user_id=row.user_id,
        identification_nr=row.identification_nr,
        associated_number=row.associated_number,
        expedition_user_id=row.expedition_user_id,
        mobile_line_type=row.mobile_line_type,
        product_id=row.product_id,
        bundle_id=row.bundle_id,
    )


@dataclass(frozen=True)
class Found:
    customer_id: int
    customer_uuid: str
    user_id: int
    lines: Sequence[CustomerLineRow]


def find_tree(session: Session, *, org_id: int, search: TreeSearch) -> UserTree:
    """The tree of the customer the search finds (400 no criteria, 404 none, 403 no login)."""
    found = _find(session, org_id=org_id, search=search)
    return UserTree(
        id=found.user_id,
        customer_id=found.customer_id,
        customer_uuid=found.customer_uuid,
        accounts=[
            TreeAccount(id=account_id, owner_id=owner_id, subscriptions=_lines(rows))
            for account_id, owner_id, rows in _by_account(found.lines)
        ],
    )


def find_full_tree(
    session: Session, *, org_id: int, search: TreeSearch, now: datetime
) -> UserTreeFull:
    """The tree with each line's current product, services and bonuses in force."""
    found = _find(session, org_id=org_id, search=search)
    by_account = _by_account(found.lines)
    lines = [line for _, _, account_lines in by_account for line in account_lines]
    ids = [line.subscription_id for line in lines]
    products = repository.product_names(
        session, org_id=org_id, product_ids={line.product_id for line in lines}
    )
    services: dict[int, list[ServiceState]] = {}
    bonuses: dict[int, list[ActiveBonus]] = {}
    if ids:
        for service in repository.line_services(session, org_id=org_id, subscription_ids=ids):
            services.setdefault(service.subscription_id, []).append(
                ServiceState(id=service.service_id, value=service.name, active=service.active)
            )
        for bonus in repository.active_bonuses(
            session, org_id=org_id, subscription_ids=ids, now=now
        ):
            bonuses.setdefault(bonus.subscription_id, []).append(
                ActiveBonus(
                    id=bonus.bonus_id,
                    value=bonus.name,
                    start_date=bonus.start_at,
                    end_date=bonus.end_at,
                )
            )
    accounts = []
    for account_id, owner_id, rows in by_account:
        full = [
            FullSubscription(
                **_line_fields(row),
                product=Ref(id=row.product_id, value=products.get(row.product_id)),
                services=services.get(row.subscription_id, []),
                bonuses=bonuses.get(row.subscription_id, []),
            )
            for row in rows
        ]
        accounts.append(FullAccount(id=account_id, owner_id=owner_id, subscriptions=full))
    return UserTreeFull(
        id=found.user_id,
        customer_id=found.customer_id,
        customer_uuid=found.customer_uuid,
        accounts=accounts,
    )


def find_customer(session: Session, *, org_id: int, search: TreeSearch) -> Match:
    """The customer (and user) the search finds, whatever its login state: the same
    index-backed lookups, for the back office, which must find a blocked customer too."""
    match = _choose(_criteria_matches(session, org_id=org_id, search=search))
    if match is None:
        raise NotFound("no customer matches the search")
    return match


def customer_tree(session: Session, *, org_id: int, customer_id: int) -> UserTree:
    """The tree of a known customer (its owner as ``id``), whatever its login state."""
    head = repository.customer_head(session, org_id=org_id, customer_id=customer_id)
    if head is None:
        raise NotFound(f"customer {customer_id} not found")
    lines = repository.customer_lines(session, customer_id=head.id)
    owners = [row.owner_user_id for row in lines]
    return UserTree(
        id=owners[0] if owners else 0,
        customer_id=head.id,
        customer_uuid=head.uuid,
        accounts=[
            TreeAccount(id=account_id, owner_id=owner_id, subscriptions=_lines(rows))
            for account_id, owner_id, rows in _by_account(lines)
        ],
    )


def _find(session: Session, *, org_id: int, search: TreeSearch) -> Found:
    match = find_customer(session, org_id=org_id, search=search)
    head = repository.customer_head(session, org_id=org_id, customer_id=match.customer_id)
    if head is None:
        raise NotFound("no customer matches the search")
    lines = repository.customer_lines(session, customer_id=head.id)
    if head.login_blocked or not _may_log_in(lines):
        raise LoginNotAllowed("The state does not allow login")
    return Found(customer_id=head.id, customer_uuid=head.uuid, user_id=match.user_id, lines=lines)


def _criteria_matches(session: Session, *, org_id: int, search: TreeSearch) -> list[list[Match]]:
    """One list of matches per criterion given, most specific criterion first."""
    matches: list[list[Match]] = []
    for kind, value in _criteria(search):
        found: Sequence[UserMatch | DocumentMatch]
        if kind == "number":
            row = repository.line_user_by_number(session, org_id=org_id, number=value)
            found = [] if row is None else [row]
        elif kind == "email":
            found = repository.users_by_email(session, org_id=org_id, email=value)
        else:
            found = repository.users_by_document(session, org_id=org_id, documents=value)
        matches.append([_match(row) for row in found])
    return matches


def _criteria(search: TreeSearch) -> list[tuple[str, Any]]:
    """The search's criteria, checked and normalised before anything is looked up."""
    criteria: list[tuple[str, Any]] = []
    if search.number:
        criteria.append(("number", _number(search.number)))
    if search.email:
        try:
            criteria.append(("email", validate_email_address(search.email)))
        except InvalidEmail as error:
            raise ValidationFailed(f"email: {error}") from error
    if search.document_type or search.document:
        if not search.document_type or not search.document:
            raise ValidationFailed("documentType and document go together; give both")
        typed = typed_document(search.document_type, search.document, field="document")
        criteria.append(("documents", [typed]))
    if search.nif:
        criteria.append(("documents", untyped_document(search.nif, field="nif", kinds=_NIF_KINDS)))
    if not criteria:
        raise ValidationFailed(
            "give at least one search parameter: email, number, documentType and document"
        )
    return criteria


def _match(row: UserMatch | DocumentMatch) -> Match:
    return Match(customer_id=row.customer_id, user_id=row.user_id, is_owner=row.role == "owner")


def _choose(criteria: list[list[Match]]) -> Match | None:
    common = set.intersection(*({m.customer_id for m in matches} for matches in criteria))
    candidates = [m for m in criteria[0] if m.customer_id in common]
    return max(candidates, key=lambda m: (m.is_owner, m.customer_id), default=None)


def _number(value: str) -> str:
    number = _NUMBER_PREFIX.sub("", re.sub(r"\s", "", value))
    if not _NUMBER.fullmatch(number):
        raise ValidationFailed(
            f"number: {value!r} is not a Spanish line number (9 digits starting 6, 7, 8 or 9)"
        )
    return number


def _by_account(rows: Sequence[CustomerLineRow]) -> list[tuple[int, int, list[AccountLine]]]:
    """Lines grouped by account, in account order; an account without lines has none."""
    grouped: dict[int, tuple[int, int, list[AccountLine]]] = {}
    for row in rows:
        entry = grouped.setdefault(row.account_id, (row.account_id, row.owner_user_id, []))
        if row.subscription_id is not None:
            entry[2].append(_account_line(row))
    return list(grouped.values())


def _lines(rows: list[AccountLine]) -> list[TreeSubscription]:
    return [TreeSubscription(**_line_fields(row)) for row in rows]


def _line_fields(row: AccountLine) -> dict[str, Any]:
    return {
        "id": row.subscription_id,
        "subscription_type": ref(MasterDataList.SUBSCRIPTION_TYPES, row.type_id),
        "status": ref(MasterDataList.SUBSCRIPTION_STATUSES, row.status_id),
        "user_id": row.user_id,
        "identification_nr": as_number(
            SubscriptionType(row.type_id).line_number(row.identification_nr, row.associated_number)
        ),
        "expedition_user_id": row.expedition_user_id,
        "bundle_id": row.bundle_id,
        # The reference calls a mobile line outside any bundle "mobile".
        "mobile_line_type": row.mobile_line_type or ("mobile" if row.type_id in _MOBILE else None),
    }


def _may_log_in(rows: Sequence[CustomerLineRow]) -> bool:
    """Whether some account is not terminated (a customer without accounts may log in)."""
    accounts: dict[int, bool] = {}
    for row in rows:
        live_line = row.subscription_id is not None and row.ended_at is None
        open_account = row.account_status_id not in _TERMINATED_ACCOUNT
        # An account is alive while it is open and has a live line or no lines at all yet.
        alive = open_account and (live_line or row.subscription_id is None)
        accounts[row.account_id] = accounts.get(row.account_id, False) or alive
    return not accounts or any(accounts.values())


def user_document(session: Session, *, org_id: int, user_id: int) -> UserDocument:
    """The user document; ``NotFound`` for an unknown user or one of another org."""
    row = repository.user_document_row(session, org_id=org_id, user_id=user_id)
    if row is None:
        raise NotFound(f"user {user_id} not found")
    is_company = row.customer_type_id == CustomerType.EMPRESA and row.role == "owner"
    nationality = value_only(MasterDataList.NATIONALITIES, row.nationality_id)
    return UserDocument(
        id=row.id,
        customer_id=row.customer_id,
        language=value_only(MasterDataList.LANGUAGES, row.language_id),
        document_type=_document_type(row.document_type_id),
        document_value=row.document_value,
        sector=ref(MasterDataList.SECTORS, row.sector_id),
        type=ref(MasterDataList.CUSTOMER_TYPES, row.customer_type_id),
        # The reference shows the user's nationality in capitals ("ESPAÑA").
        nationality=nationality.model_copy(
            update={"value": nationality.value.upper() if nationality.value else None}
        )
        if nationality
        else None,
        personal=None if is_company else _personal(row),
        business=_business(row) if is_company else None,
        address_info=_address(row),
        special_treatment=Ref(id=row.special_treatment_id, value=row.special_treatment_value)
        if row.special_treatment_id is not None
        else None,
    )


def _document_type(type_id: int | None) -> Ref:
    """``{"id": 1, "value": "NUMERO IDENTIFICACION FISCAL"}``: the type's description."""
    item = master_data.entry(MasterDataList.DOCUMENT_TYPES, type_id) if type_id else None
    value = item.description if isinstance(item, DescribedItem) else None
    return Ref(id=type_id, value=value)


def _personal(row: UserDocumentRow) -> Personal:
    return Personal(
        first_name=row.first_name,
        middle_name=row.middle_name,
        last_name=row.last_name,
        gender=row.gender,
        birthdate=row.birthdate,
        other_phone=as_number(row.other_phone),
        email=row.email,
    )


def _business(row: UserDocumentRow) -> Business:
    responsable = None
    if row.r_id is not None:
        nationality = (
            master_data.entry(MasterDataList.NATIONALITIES, row.r_nationality_id)
            if row.r_nationality_id is not None
            else None
        )
        responsable = Responsable(
            id=row.r_id,
            name=row.r_first_name,
            middlename=row.r_middle_name,
            lastname=row.r_last_name,
            document_type_id=row.r_document_type_id,
            document_value=row.r_document_value,
            nationality_id=row.r_nationality_id,
            nationality_iso=nationality.iso if isinstance(nationality, IsoItem) else None,
            nationality_value=nationality.value if nationality else None,
        )
    return Business(
        company=row.company,
        created_date=row.company_created_date,
        other_phone=as_number(row.other_phone),
        email=row.email,
        responsable=responsable,
    )


def _address(row: UserDocumentRow) -> AddressInfo | None:
    parts = [row.street_name, row.street_number, row.supplement]
    address = " ".join(str(part) for part in parts if part) or None
    state = master_data.value(MasterDataList.STATES, row.state_id)
    if address is None and state is None and row.postal_code is None and row.locality is None:
        return None
    return AddressInfo(
        address=address,
        state=state.upper() if state else None,
        zip_code=row.postal_code,
        locality=row.locality,
    )


def ref(kind: MasterDataList, item_id: int | None) -> Ref:
    return Ref(id=item_id, value=master_data.value(kind, item_id))


def value_only(kind: MasterDataList, item_id: int | None) -> Label | None:
    return None if item_id is None else Label(value=master_data.value(kind, item_id))


def as_number(text: str | None) -> int | None:
    """A stored phone or line number as the JSON integer the reference shows."""
    return int(text) if text and text.isascii() and text.isdigit() else None
