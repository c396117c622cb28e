"""The console's search: the API's index-backed users-tree lookups, plus account number and
ICCID (each one unique-index read)."""

from enum import StrEnum

from sqlalchemy.orm import Session

from mascustomers.console import repository
from mascustomers.customers import tree
from mascustomers.customers.read_schemas import TreeSearch
from mascustomers.errors import NotFound, ValidationFailed


class SearchBy(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    DOCUMENT = "document"
    ACCOUNT = "account"
    ICCID = "iccid"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SearchBy.PHONE: "Phone number",
    SearchBy.EMAIL: "E-mail",
    SearchBy.DOCUMENT: "Document",
    SearchBy.ACCOUNT: "Account number",
    SearchBy.ICCID: "ICCID",
}


_TREE_SEARCHES = {
    SearchBy.PHONE: lambda value, _: TreeSearch(number=value),
    SearchBy.EMAIL: lambda value, _: TreeSearch(email=value),
    SearchBy.DOCUMENT: lambda value, kind: TreeSearch(documentType=kind, document=value),
}


def find_customer(
    session: Session, *, org_id: int, by: SearchBy, value: str, document_type: str | None
) -> int:
    """The id of the org's customer the search finds (400 malformed, 404 none)."""
    value = value.strip()
    if not value:
        raise ValidationFailed(f"{by.value}: give a value to search for")
    if by in _TREE_SEARCHES:
        search = _TREE_SEARCHES[by](value, document_type or "NIF")
        return tree.find_customer(session, org_id=org_id, search=search).customer_id
    if by is SearchBy.ACCOUNT:
        found = repository.customer_of_account_number(session, org_id=org_id, number=value)
        if found is None:
            raise NotFound(f"no account numbered {value!r}")
        return found
    found = repository.customer_of_iccid(session, org_id=org_id, iccid=value.replace(" ", ""))
    if found is None:
        raise NotFound(f"no live line on SIM {value!r}")
    return found
