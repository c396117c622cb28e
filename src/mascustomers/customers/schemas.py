"""The people of an order: owner and line users, their identity, contact and address."""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mascustomers.kit.request_fields import Email, Msisdn, PositiveId, PostalCode, ShortText


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
