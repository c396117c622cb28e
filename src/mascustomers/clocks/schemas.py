"""Back-office test-clock bodies (``/v2/orgs/{orgId}/ops/clock``)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

from mascustomers.kit.clock import ensure_utc

# Amounts are JSON numbers, as the reference's invoice values are.
Amount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class ClockAdvance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advance_to: datetime = Field(
        description="The org's new time (UTC timestamp, e.g. 2027-01-01T00:00:00Z); "
        "a time without offset is taken as UTC. Must not be before the org's current time.",
        examples=["2027-01-01T00:00:00Z"],
    )

    @field_validator("advance_to")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        try:
            return ensure_utc(value)
        except OverflowError as error:
            raise ValueError("advance_to is out of the supported range") from error


class OrgClockView(BaseModel):
    org: str
    sandbox: bool = Field(description="Only sandbox orgs have test clocks")
    test_clock: bool = Field(description="Whether the org runs on a stored test time")
    now: str = Field(description="The org's current time (UTC)")
    today: str = Field(description="The org's current date in its time zone")
    timezone: str


class RanOperation(BaseModel):
    type: str = Field(description="`operation` or `billing_run`")
    ran_at: str = Field(description="The org time it ran at (its due time)")
    id: int | None = None
    kind: str | None = None
    subscription_id: int | None = None
    due_at: str | None = None
    status: str | None = Field(default=None, description="DONE, PENDING (retry), FAILED")
    attempts: int | None = None
    error: str | None = None
    cycle: str | None = None
    invoices: int | None = None
    value: Amount | None = Field(default=None, description="Net total of the invoices issued")
    value_total: Amount | None = Field(default=None, description="Total with tax")


class ClockAdvanced(BaseModel):
    org: str
    previous_time: str
    now: str
    ran: list[RanOperation] = Field(description="What ran, in the order it ran")
