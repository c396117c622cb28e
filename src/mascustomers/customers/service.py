"""Customers and their users: found by document (per org) or created; a customer's TV
registration email (PATCH users/agile-tv)."""

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.catalog.statuses import SubscriptionType
from mascustomers.customers import repository
from mascustomers.customers.documents import (
    check_postal_code,
    normalized_document,
    untyped_document,
)
from mascustomers.customers.errors import CustomerMismatch
from mascustomers.customers.schemas import AgileTvChange, AgileTvChanged, ClientAttributes
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import NotFound
from mascustomers.kit.emails import emails_equal
from mascustomers.models import Customer, User


def find_customer(session: Session, *, org_id: int, person: ClientAttributes) -> Customer | None:
    """The org's customer with this person's document, if any (document validated)."""
    return repository.find_customer_by_document(
        session,
        org_id=org_id,
        document_type_id=person.document_type_id,
        document_value=_owner_document(person),
    )


def send_find_customer_ahead(session: Session, *, org_id: int, person: ClientAttributes) -> None:
    """``find_customer``'s read, sent ahead to be answered with others (``db.prepared``)."""
    repository.send_customer_by_document_ahead(
        session,
        org_id=org_id,
        document_type_id=person.document_type_id,
        document_value=_owner_document(person),
    )


def _owner_document(person: ClientAttributes) -> str:
    return normalized_document(
        person.document_type_id,
        person.document_value,
        field="clients.attributes[owner].document_value",
    )


def new_user_ids(owner: ClientAttributes) -> int:
    """How many users a new customer of this owner writes (its owner and responsable)."""
    return 1 if owner.responsable is None else 2


def find_or_create_customer(
    uow: UnitOfWork,
    *,
    org_id: int,
    sector_id: int,
    owner: ClientAttributes,
    now: datetime,
    looked_up: bool = False,
    found: Customer | None = None,
) -> tuple[Customer, User]:
    """The customer with the owner's document, reused if it exists, with its owner user.

    ``looked_up``: ``found`` is what ``find_customer`` returned in this transaction, so the
    customer is not looked up again.
    """
    session = uow.session
    field = "clients.attributes[owner]"
    document = normalized_document(
        owner.document_type_id, owner.document_value, field=f"{field}.document_value"
    )
    _check_address(owner, field)
    customer = (
        found
        if looked_up
        else repository.find_customer_by_document(
            session,
            org_id=org_id,
            document_type_id=owner.document_type_id,
            document_value=document,
        )
    )
    if customer is not None:
        if customer.type_id != owner.type_id:
            raise CustomerMismatch(
                f"{field}.type_id: the customer with this document is of type {customer.type_id}"
            )
        user = repository.owner_user(session, customer_id=customer.id)
        assert user is not None
        return customer, user
    customer = Customer(
        org_id=org_id,
        uuid=str(uuid.uuid4()),
        type_id=owner.type_id,
        sector_id=sector_id,
        document_type_id=owner.document_type_id,
        document_value=document,
        login_blocked=False,
        created_at=now,
    )
    uow.insert(customer)
    user = _new_user(uow, customer=customer, person=owner, role="owner", document=document, now=now)
    return customer, user


def add_line_user(
    uow: UnitOfWork, *, customer: Customer, person: ClientAttributes, field: str, now: datetime
) -> User:
    """The user of one line: reused when the customer already has that person."""
    document = normalized_document(
        person.document_type_id, person.document_value, field=f"{field}.document_value"
    )
    _check_address(person, field)
    existing = repository.find_user_by_document(
        uow.session,
        customer_id=customer.id,
        document_type_id=person.document_type_id,
        document_value=document,
    )
    if existing is not None:
        return existing
    return _new_user(uow, customer=customer, person=person, role="line", document=document, now=now)


def _check_address(person: ClientAttributes, field: str) -> None:
    if person.address is not None:
        check_postal_code(
            person.address.postal_code,
            person.address.state_id,
            field=f"{field}.address.postal_code",
        )
    if person.type_id == 2 and person.responsable is None:
        # A company is represented by a person; the user document shows it as responsable.
        raise CustomerMismatch(f"{field}.responsable: a company (type 2) needs a responsable")


def _new_user(
    uow: UnitOfWork,
    *,
    customer: Customer,
    person: ClientAttributes,
    role: str,
    document: str,
    now: datetime,
) -> User:
    """The person's user of the customer (and first the company's responsable, if any)."""
    responsible_id = None
    if person.responsable is not None:
        r = person.responsable
        responsible = User(
            org_id=customer.org_id,
            customer_id=customer.id,
            role="responsible",
            document_type_id=r.document_type_id,
            document_value=normalized_document(
                r.document_type_id, r.document_value, field="responsable.document_value"
            ),
            first_name=r.name,
            middle_name=r.middlename,
            last_name=r.lastname,
            nationality_id=r.nationality_id,
            created_at=now,
        )
        uow.insert(responsible)
        responsible_id = responsible.id
    address = person.address
    user = User(
        org_id=customer.org_id,
        customer_id=customer.id,
        role=role,
        document_type_id=person.document_type_id,
        document_value=document,
        first_name=person.first_name,
        middle_name=person.middle_name,
        last_name=person.last_name,
        gender=person.gender,
        birthdate=person.birthdate,
        company=person.company,
        company_created_date=person.company_created_date,
        email=person.email,
        phone=person.phone,
        other_phone=person.other_phone,
        nationality_id=person.nationality_id,
        language_id=person.language_id,
        street_type_id=address.street_type_id if address else None,
        street_name=address.street_name if address else None,
        street_number=address.number if address else None,
        supplement=address.supplement if address else None,
        state_id=address.state_id if address else None,
        locality=address.locality if address else None,
        postal_code=address.postal_code if address else None,
        responsible_user_id=responsible_id,
        created_at=now,
    )
    uow.insert(user)
    return user


def get_customer(session: Session, *, org_id: int, customer_id: int) -> Customer | None:
    return repository.get_customer(session, org_id=org_id, customer_id=customer_id)


def get_user(session: Session, *, org_id: int, user_id: int) -> User | None:
    return repository.get_user(session, org_id=org_id, user_id=user_id)


def change_registration_email(
    session: Session, *, org_id: int, change: AgileTvChange
) -> AgileTvChanged:
    """Every live TV line of the customer registered with ``old_email`` gets ``new_email``.

    The document may be of any type (NIF, NIE, CIF, passport); emails are compared
    case-insensitively. No such customer, or no TV line with that email: ``NotFound``.
    """
    documents = untyped_document(change.document_number, field="document_number")
    customers = repository.customers_by_documents(session, org_id=org_id, documents=documents)
    if not customers:
        raise NotFound(f"no customer with document {change.document_number!r}")
    changed: list[int] = []
    for customer in customers:
        lines = repository.live_lines_of_type(
            session, customer_id=customer.id, type_id=SubscriptionType.TV
        )
        for line in lines:
            if line.registration_email and emails_equal(line.registration_email, change.old_email):
                line.registration_email = change.new_email
                changed.append(line.id)
    if not changed:
        raise NotFound("the customer has no TV subscription registered with old_email")
    session.flush()
    return AgileTvChanged(
        document_number=customers[0].document_value,
        registration_email=change.new_email,
        subscription_ids=changed,
    )
