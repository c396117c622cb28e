"""GET users/{userId}: a user with its customer's type, sector and special treatment."""

from sqlalchemy.orm import Session

from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import DescribedItem, IsoItem, MasterDataList
from mascustomers.catalog.statuses import CustomerType
from mascustomers.customers import repository
from mascustomers.customers.labels import as_number, label, ref, value_only
from mascustomers.customers.read_schemas import (
    AddressInfo,
    Business,
    Personal,
    Ref,
    Responsable,
    UserDocument,
)
from mascustomers.customers.repository import UserDocumentRow
from mascustomers.errors import NotFound


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
    state = label(MasterDataList.STATES, row.state_id)
    if address is None and state is None and row.postal_code is None and row.locality is None:
        return None
    return AddressInfo(
        address=address,
        state=state.upper() if state else None,
        zip_code=row.postal_code,
        locality=row.locality,
    )
