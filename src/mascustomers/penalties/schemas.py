"""Penalty responses in the reference's field names (``subscrition_promotion_id`` included)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, PlainSerializer

from mascustomers.models import PenaltyLine

# The reference types money as number (double): exact inside, a JSON number outside.
MoneyNumber = Annotated[
    Decimal, PlainSerializer(float, return_type=float, when_used="json-unless-none")
]


class Penalty(BaseModel):
    id: int
    value: MoneyNumber
    description: str
    subscription_id: int | None
    subscription_uuid: str | None
    commitment_uuid: str | None
    subscrition_promotion_id: int | None
    promotion_id: int | None
    start_date: date | None
    end_date: date | None
    mandatory: bool
    type: str
    subscription_terminal_id: int | None

    @classmethod
    def of(cls, line: PenaltyLine) -> "Penalty":
        return cls(
            id=line.id,
            value=line.value,
            description=line.description,
            subscription_id=line.subscription_id,
            subscription_uuid=line.subscription_uuid,
            commitment_uuid=line.commitment_uuid,
            subscrition_promotion_id=line.applied_promotion_id,
            promotion_id=line.promotion_id,
            start_date=line.start_date,
            end_date=line.end_date,
            mandatory=line.mandatory,
            type=line.type,
            subscription_terminal_id=line.subscription_terminal_id,
        )


class ComputedPenalty(BaseModel):
    computed_penalty_id: int
    mobile_operator_id: int
    penalties: list[Penalty]
