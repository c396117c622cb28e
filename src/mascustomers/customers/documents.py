"""Identity documents: their types (master-data ids), their validation, and documents as search
keys (``(document type id, normalised value)`` pairs)."""

from enum import IntEnum

from mascustomers.customers.errors import InvalidDocumentValue, PostalCodeMismatch
from mascustomers.kit.identity_documents import (
    InvalidDocument,
    parse_document_type,
    validate_document,
)


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


def typed_document(type_text: str, value: str, *, field: str) -> tuple[int, str]:
    """A document of a given type: id 1-4 or a name (NIF, DNI, NIE, TR, CIF, PASAPORTE, PASS)."""
    name = type_text
    if type_text.isdigit():
        try:
            name = DocumentTypeId(int(type_text)).name
        except ValueError as error:
            raise InvalidDocumentValue(
                f"{field}: unknown document type id {type_text} (1 NIF, 2 NIE, 3 CIF, 4 PASAPORTE)"
            ) from error
    try:
        kind = parse_document_type(name)
        return DocumentTypeId[kind.value], validate_document(kind, value)
    except InvalidDocument as error:
        raise InvalidDocumentValue(f"{field}: {error}") from error


def untyped_document(
    value: str, *, field: str, kinds: tuple[DocumentTypeId, ...] = tuple(DocumentTypeId)
) -> list[tuple[int, str]]:
    """Every reading of a document whose type is not given, among ``kinds``."""
    documents = []
    for kind in kinds:
        try:
            documents.append((int(kind), validate_document(kind.name, value)))
        except InvalidDocument:
            continue
    if not documents:
        names = ", ".join(kind.name for kind in kinds)
        raise InvalidDocumentValue(f"{field}: {value!r} is not a valid {names}")
    return documents
