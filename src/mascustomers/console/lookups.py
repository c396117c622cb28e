"""The console's search: the API's index-backed users-tree lookups, plus account number and
ICCID (each one unique-index read)."""

from enum import StrEnum

from sqlalchemy.orm import Session

from mascustomers.console import repository
from mascustomers.customers import reads as tree
from mascustomers.customers.schemas import TreeSearch
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


def _tree_search(by: SearchBy, value: str, document_type: str) -> TreeSearch:
    """The users tree's own search model (its checks and normalisation)."""
    if by is SearchBy.PHONE:
        return TreeSearch(number=value)
    if by is SearchBy.EMAIL:
        return TreeSearch(email=value)
    return TreeSearch.model_validate({"documentType": document_type, "document": value})


_TREE_SEARCHES = frozenset({SearchBy.PHONE, SearchBy.EMAIL, SearchBy.DOCUMENT})


def find_customer(
    session: Session, *, org_id: int, by: SearchBy, value: str, document_type: str | None
) -> int:
    """The id of the org's customer the search finds (400 malformed, 404 none)."""
    value = value.strip()
    if not value:
        raise ValidationFailed(f"{by.value}: give a value to search for")
    if by in _TREE_SEARCHES:
        search = _tree_search(by, value, document_type or "NIF")
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
