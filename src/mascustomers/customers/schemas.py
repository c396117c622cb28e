"""Bodies of the customer and user operations, in the reference's field names: the people of an
order (owner and line users, their identity, contact and address), what the Users operations
answer and take (the user document, the users tree, agile TV).

Field names, nesting and JSON types are the reference's examples: ``identification_nr`` and
``other_phone`` are JSON integers, timestamps ``YYYY-MM-DDTHH:MM:SSZ``, dates ``YYYY-MM-DD``.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from mascustomers.kit.clock import format_timestamp
from mascustomers.kit.request_fields import Email, Msisdn, PositiveId, PostalCode, ShortText
from mascustomers.kit.schemas import IdRef

Timestamp = Annotated[
    datetime,
    PlainSerializer(format_timestamp, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2019-12-09T09:58:34Z"]}),
]


class Read(BaseModel):
    """A response document; built by services, never parsed from a request."""

    model_config = ConfigDict(frozen=True)


class Ref(IdRef, Read):
    """A master-data reference as the reference shows it: ``{"id": 1, "value": "ACTIVO"}``."""


class Label(Read):
    """A reference shown by its value only (``language``, ``nationality``)."""

    value: str | None


# --- GET users/{userId} -------------------------------------------------------------------


class Personal(Read):
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    gender: str | None = Field(description="M, F or X")
    birthdate: date | None
    other_phone: int | None
    email: str | None


class Responsable(Read):
    """The person who represents a company customer."""

    id: int
    name: str | None
    middlename: str | None
    lastname: str | None
    document_type_id: int | None
    document_value: str | None
    nationality_id: int | None
    nationality_iso: str | None
    nationality_value: str | None


class Business(Read):
    company: str | None
    created_date: date | None
    other_phone: int | None
    email: str | None
    responsable: Responsable | None


class AddressInfo(Read):
    address: str | None
    state: str | None
    zip_code: str | None
    locality: str | None


class UserDocument(Read):
    """A user: identity, customer type and sector, personal or business data, address.

    ``personal`` is filled for people and ``business`` for the owner of a company customer
    (type 2 EMPRESA); the other one is null.
    """

    id: int = Field(description="user id")
    customer_id: int
    language: Label | None
    document_type: Ref
    document_value: str | None
    sector: Ref | None
    type: Ref = Field(description="customer type: 1 PARTICULAR, 2 EMPRESA, 3 AUTONOMO")
    nationality: Label | None
    personal: Personal | None
    business: Business | None
    address_info: AddressInfo | None
    special_treatment: Ref | None


# --- users/tree ------------------------------------------------------------------------------


class TreeSubscription(Read):
    id: int
    subscription_type: Ref
    status: Ref
    user_id: int
    identification_nr: int | None = Field(description="MSISDN or fixed number, when it has one")
    expedition_user_id: int | None
    bundle_id: int | None = Field(description="catalogue bundle of the line's account bundle")
    mobile_line_type: str | None = Field(
        description="mobile lines: main, additional, extra, or mobile outside a bundle"
    )


class TreeAccount(Read):
    id: int
    owner_id: int
    subscriptions: list[TreeSubscription]


class UserTree(Read):
    id: int = Field(description="User id: the user the search matched")
    customer_id: int
    customer_uuid: str
    accounts: list[TreeAccount] = Field(description="Accounts of the user's customer")


class ServiceState(Read):
    id: int
    value: str | None
    active: bool


class ActiveBonus(Read):
    id: int
    value: str | None
    start_date: Timestamp
    end_date: Timestamp | None


class FullSubscription(TreeSubscription):
    product: Ref = Field(description="current product (tariff)")
    services: list[ServiceState]
    bonuses: list[ActiveBonus] = Field(description="bonuses in force now")


class FullAccount(Read):
    id: int
    owner_id: int
    subscriptions: list[FullSubscription]


class UserTreeFull(Read):
    id: int
    customer_id: int
    customer_uuid: str
    accounts: list[FullAccount]


class TreeSearch(BaseModel):
    """Who to look for: an email, a live line's number, or an identity document.

    Several criteria may be given; they must all point at the same customer.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, populate_by_name=True)

    email: str | None = Field(default=None, max_length=200, description="user email")
    number: str | None = Field(
        default=None, max_length=20, description="MSISDN or fixed number of a live line"
    )
    nif: str | None = Field(
        default=None,
        max_length=30,
        description="DEPRECATED, use documentType and document",
        json_schema_extra={"deprecated": True},
    )
    document_type: str | None = Field(
        default=None,
        max_length=20,
        validation_alias=AliasChoices("documentType", "document_type"),
        serialization_alias="documentType",
        description="document type id (1-4) or name: NIF, DNI, NIE, TR, CIF, PASAPORTE, PASS",
    )
    document: str | None = Field(
        default=None, max_length=30, description="document with numbers and letters"
    )


class TreeDocumentType(StrEnum):
    """The reference's spelling of document types in POST users/tree/full."""

    NIF = "NIF"
    DNI = "DNI"
    NIE = "NIE"
    TR = "TR"
    PASS = "PASS"  # noqa: S105  (passport, the reference's spelling)
    PASAPORTE = "PASAPORTE"
    CIF = "CIF"


class TreeFullSearch(BaseModel):
    """POST users/tree/full: the customer's identity document."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    document_type: TreeDocumentType = Field(description="document type value")
    document: ShortText = Field(min_length=1)


# --- PATCH users/agile-tv --------------------------------------------------------------------


class AgileTvChange(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    old_email: Email = Field(description="registration email the TV subscription has now")
    new_email: Email = Field(description="registration email to set")
    document_number: ShortText = Field(min_length=1, description="the customer's document")


class AgileTvChanged(Read):
    document_number: str
    registration_email: str
    subscription_ids: list[int] = Field(description="TV subscriptions changed")


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Address(Body):
    street_type_id: PositiveId | None = None
    street_name: ShortText | None = None
    number: ShortText | None = None
    supplement: ShortText | None = None
    state_id: int | None = Field(default=None, ge=1, le=52)
    locality: ShortText | None = None
    postal_code: PostalCode | None = None
    observation: ShortText | None = None


class ResponsableCreate(Body):
    """The company's responsible person (``business.responsable`` in the user document)."""

    name: ShortText
    middlename: ShortText | None = None
    lastname: ShortText | None = None
    document_type_id: PositiveId
    document_value: ShortText
    nationality_id: PositiveId | None = None


class ClientAttributes(Body):
    """One person of the order: the owner (exactly one) or the user of a given line.

    The reference shows ``attributes: [{}]``; this is its documented shape here.
    """

    role: Literal["owner", "line_user"] = "owner"
    line_msisdn: Msisdn | None = Field(
        default=None, description="for role line_user: the order's line this person uses"
    )
    type_id: Literal[1, 2, 3] = Field(default=1, description="1 PARTICULAR, 2 EMPRESA, 3 AUTONOMO")
    document_type_id: PositiveId
    document_value: ShortText
    nationality_id: PositiveId | None = None
    language_id: PositiveId | None = None
    first_name: ShortText | None = None
    middle_name: ShortText | None = None
    last_name: ShortText | None = None
    gender: Literal["M", "F", "X"] | None = None
    birthdate: date | None = None
    company: ShortText | None = None
    company_created_date: date | None = None
    email: Email | None = None
    phone: ShortText | None = None
    other_phone: ShortText | None = None
    address: Address | None = None
    responsable: ResponsableCreate | None = None
    employment: dict[str, Any] | None = Field(default=None, deprecated=True)


class Clients(Body):
    sector_id: PositiveId
    attributes: list[ClientAttributes] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _one_owner(self) -> "Clients":
        owners = [a for a in self.attributes if a.role == "owner"]
        if len(owners) != 1:
            raise ValueError("attributes must hold exactly one item with role 'owner'")
        return self

    @property
    def owner(self) -> ClientAttributes:
        return next(a for a in self.attributes if a.role == "owner")
