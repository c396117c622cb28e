"""Identity document types (master-data ids) and their validation."""

from enum import IntEnum

from mascustomers.customers.errors import InvalidDocumentValue, PostalCodeMismatch
from mascustomers.kit.identity_documents import InvalidDocument, validate_document


class DocumentTypeId(IntEnum):
    NIF = 1
    NIE = 2
    CIF = 3
    PASAPORTE = 4


def normalized_document(document_type_id: int, value: str, *, field: str) -> str:
    """The document value in canonical form, or a 400 naming ``field``."""
    try:
        kind = DocumentTypeId(document_type_id)
    except ValueError as error:
        raise InvalidDocumentValue(
            f"{field}: unknown document type {document_type_id} (1 NIF, 2 NIE, 3 CIF, 4 PASAPORTE)"
        ) from error
    try:
        return validate_document(kind.name, value)
    except InvalidDocument as error:
        raise InvalidDocumentValue(f"{field}: {error}") from error


def check_postal_code(postal_code: str | None, state_id: int | None, *, field: str) -> None:
    """Spanish postal codes start with the province's INE number."""
    if postal_code is None or state_id is None:
        return
    if int(postal_code[:2]) != state_id:
        raise PostalCodeMismatch(
            f"{field}: postal code {postal_code} is not in province {state_id}"
        )
