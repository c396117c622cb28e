"""Request and response bodies of the subscription operations, in the reference's field names.

Timestamps are pre-formatted ``YYYY-MM-DDTHH:MM:SSZ`` strings, dates ``YYYY-MM-DD``. Response
fields that the reference only shows on request (``include=…``) or when they apply (a pending
``scheduled`` change, the ``bundle`` of a bundled line) are left unset and the routes answer
with ``response_model_exclude_unset``.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from mascustomers.kit.request_fields import Iccid, PositiveId, ShortText


def _blank_is_none(value: object) -> object:
    # The reference's own example sends "scheduled_date": "string"; channels send "" for none.
    return None if isinstance(value, str) and not value.strip() else value


OptionalDate = Annotated[date | None, BeforeValidator(_blank_is_none)]
# Money is exact inside and a JSON number outside, as the reference types it.
JsonMoney = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, populate_by_name=True)


class ProductChange(Body):
    product_id: PositiveId = Field(alias="productId", description="target product identifier")
    scheduled_date: OptionalDate = Field(default=None, description="date to execute the change")


class ServiceSwitch(Body):
    active: bool = Field(description="true activates the service, false deactivates it")


class BonusAdd(Body):
    bonus_id: PositiveId = Field(alias="bonusId", description="bonus ID to add")
    scheduled_date: OptionalDate = Field(default=None, description="date the bonus starts")


class BlockChange(Body):
    active: bool = Field(description="true blocks the SIM card, false unblocks it")
    reason: ShortText | None = Field(default=None, description="why the SIM card is blocked")


class SimReplacement(Body):
    dealer_id: ShortText
    shop_id: ShortText | None = None
    logistic: bool = Field(description="true: the new SIM is shipped; false: handed in a shop")
    new_icc: Annotated[Iccid | None, BeforeValidator(_blank_is_none)] = None


class RiskDecisionResult(BaseModel):
    risk_decision: str


class SubscriptionLabel(BaseModel):
    """An id with its label as the subscription reads show it (status, type, origin)."""

    id: int
    value: str | None


class SubscriptionStatusEntry(BaseModel):
    """One step of a subscription's status history (``historical_status``)."""

    subscription_status: SubscriptionLabel
    date: str
    modified_by: str


class SubscriptionDetail(BaseModel):
    id: int
    subscription_status: SubscriptionLabel
    sell_date: str | None = None
    activated_date: str | None = None
    end_date: str | None = None
    subscription_type: SubscriptionLabel
    origin: SubscriptionLabel | None = None
    historical_status: list[SubscriptionStatusEntry] | None = None
    dealer_id: str | None = None
    shop_id: str | None = None
    path: str | None = None
    filename: str | None = None
    identification_nr: int | None = None
    imsi: int | None = None
    iccid: str | None = None


class ScheduledChange(BaseModel):
    request_date: str | None
    process_date: str | None
    scheduled_date: str | None
    destination_product: "ProductInfo | None"


class ProductInfo(BaseModel):
    id: int
    value: str | None
    historic_date: str | None = None
    compatibilities: list["ProductInfo"] | None = None
    scheduled: ScheduledChange | None = None


class HistoricProduct(BaseModel):
    id: int
    value: str | None
    historic_date: str


class SubscriptionProducts(BaseModel):
    id: int
    product: ProductInfo
    bundle: SubscriptionLabel | None = None
    historical_changes: list[HistoricProduct] | None = None


class ServiceItem(BaseModel):
    id: int
    value: str | None
    changeable: bool
    date_last_modified: str
    active: bool


class SubscriptionServices(BaseModel):
    subscription_id: int
    items: list[ServiceItem]


class BonusItem(BaseModel):
    id: int
    value: str | None
    start_date: str
    end_date: str | None


class SubscriptionBonuses(BaseModel):
    id: int
    items: list[BonusItem]


class BlockItem(BaseModel):
    id: int
    value: str
    date_last_modified: str
    description: str | None


class SubscriptionBlocks(BaseModel):
    subscription_id: int
    items: list[BlockItem]


class PeriodDate(BaseModel):
    start_date: str
    end_date: str


class RechargeItem(BaseModel):
    recharge_id: int
    date: str
    movement_type_id: int
    origin_id: int
    amount: JsonMoney


class RechargeDetail(BaseModel):
    subscription_id: int
    identification_nr: int | None
    period_date: PeriodDate
    recharges: list[RechargeItem]


ScheduledChange.model_rebuild()
