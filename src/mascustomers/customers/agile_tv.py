"""PATCH users/agile-tv: change the registration email of a customer's TV subscription."""

from sqlalchemy.orm import Session

from mascustomers.catalog.statuses import SubscriptionType
from mascustomers.customers import repository
from mascustomers.customers.read_schemas import AgileTvChange, AgileTvChanged
from mascustomers.customers.search_documents import untyped_document
from mascustomers.errors import NotFound
from mascustomers.kit.emails import emails_equal


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
