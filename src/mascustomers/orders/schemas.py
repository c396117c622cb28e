"""Change-order request and answer (the reference's fields), and the installation details."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mascustomers.catalog.master_data import postal_code_matches_province
from mascustomers.kit.request_fields import Email, PositiveId, PostalCode, ShortText


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ChangeOrderCreate(Body):
    seller: str = Field(min_length=1, max_length=100)
    workorderid: str = Field(min_length=1, max_length=30)
    reason: str | None = Field(default=None, max_length=200)
    parameters: str | None = Field(default=None, max_length=4000)
    changetype: str = Field(min_length=1, max_length=40)


class ErrorVO(BaseModel):
    error_code: str = Field(examples=["0"])
    error_description: str = Field(examples=["OK"])
    operation_date: str = Field(examples=["2026-03-02T09:30:00Z"])


class ChangeOrderResult(BaseModel):
    """``error_code`` "0" when the change is applied; else the refusal's code (e.g. "0089")."""

    errorVO: ErrorVO  # noqa: N815  (the reference's field name)


class InstallationContact(Body):
    """``parameters`` of CHANGE_CONTACT."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText = Field(min_length=1)
    middlename: ShortText | None = None
    lastname: ShortText | None = None
    phone: str | None = Field(default=None, pattern=r"^\+?\d{9,15}$")
    email: Email | None = None
    document_type_id: PositiveId | None = None
    document_value: ShortText | None = None


class InstallationAddress(Body):
    """``parameters`` of CHANGE_ADDRESS: where the installation now takes place."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    street_type_id: PositiveId | None = None
    street_name: ShortText = Field(min_length=1)
    number: ShortText | None = None
    supplement: ShortText | None = None
    state_id: int = Field(ge=1, le=52)
    locality: ShortText = Field(min_length=1)
    postal_code: PostalCode
    observation: ShortText | None = None
    gescal: ShortText | None = None
    pair_vacancy: ShortText | None = None
    address_id: ShortText | None = None

    @model_validator(mode="after")
    def _postal_code_in_province(self) -> "InstallationAddress":
        if not postal_code_matches_province(self.postal_code, self.state_id):
            raise ValueError(f"postal_code {self.postal_code} is not in province {self.state_id}")
        return self
