"""The ``issuer`` section of a catalogue document: who issues the org's invoices.

The same shape is what the back office edits (``PUT /v2/orgs/{orgId}/ops/billing/issuer``,
``mascustomers billing issuer``): loading a catalogue whose document changed writes its
``issuer`` section over the org's issuer settings; edits in between stand until then.
"""

from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from mascustomers.kit.tax_ids import InvalidTaxId, validate_tax_id

SERIES_PATTERN = r"^[A-Z0-9]{1,10}$"


def _tax_id(value: str) -> str:
    try:
        return validate_tax_id(value)
    except InvalidTaxId as error:
        raise ValueError(str(error)) from error


TaxId = Annotated[str, Field(min_length=9, max_length=12), AfterValidator(_tax_id)]
Text = Annotated[str, Field(min_length=1, max_length=100)]


class IssuerSection(BaseModel):
    """Legal name, NIF (validated: DNI, NIE or CIF) and fiscal address of the invoice issuer,
    the invoice series, whether simplified invoices (F2) are issued, and the payment term."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    legal_name: Annotated[str, Field(min_length=1, max_length=120)]
    tax_id: TaxId = Field(description="NIF of the issuer (a CIF for a company)")
    street: Annotated[str, Field(min_length=1, max_length=200)]
    postal_code: Annotated[str, Field(pattern=r"^[0-9]{5}$")]
    locality: Text
    province: Text
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "ES"
    series: Annotated[str, Field(pattern=SERIES_PATTERN)] = Field(
        "MM", description="Invoice numbers are the series and 8 digits: MM00000001"
    )
    rectifying_series: Annotated[str, Field(pattern=SERIES_PATTERN)] = Field(
        "MMR", description="The separate series of rectifying invoices (RD 1619/2012 art. 6)"
    )
    simplified_invoices: bool = Field(
        False,
        description="Issue consumers' invoices of up to 400 EUR with tax as simplified (F2)",
    )
    payment_days: Annotated[int, Field(ge=0, le=365)] = Field(
        10, description="Days from the issue date to the due date"
    )

    @model_validator(mode="after")
    def _series_differ(self) -> Self:
        if self.series == self.rectifying_series:
            raise ValueError("rectifying_series must differ from series")
        return self
