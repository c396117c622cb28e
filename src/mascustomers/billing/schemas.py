"""Back-office billing-run bodies (``/v2/orgs/{orgId}/ops/billing/run``)."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from mascustomers.billing.jobs import BillingRun
from mascustomers.kit.clock import format_date, format_timestamp

# Amounts are JSON numbers, as the reference's invoice values are.
Amount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class BillingRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cycle: str = Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="The calendar month to bill, YYYY-MM, in the org's time zone; it must be over",
        examples=["2026-11"],
    )


class BillingRunResult(BaseModel):
    cycle: str
    start_date: str
    end_date: str
    issued_at: str
    accounts: int = Field(description="Accounts without an invoice for the cycle that were priced")
    invoices: int = Field(description="Invoices issued by this run (0 when re-run)")
    value: Amount = Field(description="Net total of the invoices issued")
    value_total: Amount = Field(description="Total with tax of the invoices issued")
    first_number: str | None = None
    last_number: str | None = None

    @classmethod
    def of(cls, run: BillingRun) -> "BillingRunResult":
        return cls(
            cycle=str(run.cycle),
            start_date=format_date(run.start_date),
            end_date=format_date(run.end_date),
            issued_at=format_timestamp(run.issued_at),
            accounts=run.accounts,
            invoices=run.invoices,
            value=run.value,
            value_total=run.value_total,
            first_number=run.first_number,
            last_number=run.last_number,
        )
