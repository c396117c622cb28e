"""Bodies of the subscription operations, in the reference's field names.

Request and response bodies of the subscription operations, in the reference's field names.

Timestamps are pre-formatted ``YYYY-MM-DDTHH:MM:SSZ`` strings, dates ``YYYY-MM-DD``. Response
fields that the reference only shows on request (``include=…``) or when they apply (a pending
``scheduled`` change, the ``bundle`` of a bundled line) are left unset and the routes answer
with ``response_model_exclude_unset``.

Bodies of GET and POST subscriptions/{id}/devices, in the reference's field names.

POST accepts the reference's whole body. ``device.device_details.catalogue_id`` is mandatory
(2.38; a number or a numeric string). Deprecated parts (``client.attributes.employment``,
``device.financial_details``, the delivery address fields deprecated in 2.25.4) are accepted
and ignored. ``installment_plan.duration`` is the number of monthly installments (0: not
financed); ``financed_by`` is accepted there as in signups.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from mascustomers.kit.request_fields import (
    Amount,
    Iccid,
    Imei,
    PositiveId,
    ShortText,
    ZeroMeansNoneId,
)
from mascustomers.kit.schemas import IdLabel


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


class SubscriptionLabel(IdLabel):
    """An id with its label as the subscription reads show it (status, type, origin)."""


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


def _text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


LooseText = Annotated[ShortText, BeforeValidator(_text)]


class DeliveryContact(Body):
    name: ShortText | None = None
    phone: LooseText | None = None


class DeliveryAddress(Body):
    street_type: ShortText | None = None
    street_name: ShortText | None = None
    number: LooseText | None = None
    floor: LooseText | None = None
    door: LooseText | None = None
    postal_code: str | None = Field(default=None, pattern=r"^\d{5}$")
    town: ShortText | None = None
    province_id: LooseText | None = Field(default=None, max_length=2)


class DeviceDelivery(Body):
    shipping_price: Amount | None = None
    pay_in_return: bool | None = None
    contact: DeliveryContact | None = None
    address: DeliveryAddress | None = None
    delivery_shop_id: LooseText | None = None
    delivery_type: Literal["LOGISTIC", "SHOP"] | None = None


class DeviceScoring(Body):
    scoring_value: int | None = Field(default=None, ge=0, le=1000)
    id_value: PositiveId | None = None
    forced_value: PositiveId | None = None
    up_front: Amount | None = None
    credit_limit: Amount | None = None
    credit_limit_available: Amount | None = None
    app_id: PositiveId | None = None


class DevicePayment(Body):
    id: PositiveId | None = None
    credit_card_reference: ShortText | None = None
    transaction_id: ShortText | None = None
    reference_id: ShortText | None = None
    scoring: DeviceScoring | None = None
    platform: Literal["PAYMENTS", "TPV", "REDSYS"] | None = None
    payment_link: ShortText | None = None
    tax: Decimal | None = Field(default=None, ge=0, le=100)


class DeviceSell(Body):
    dealer_id: LooseText | None = None
    shop_id: LooseText | None = None
    channel_id: PositiveId | None = None
    category: ShortText | None = None
    payment: DevicePayment | None = None


class DeviceClientAttributes(Body):
    document_expiration_date: date | None = None
    employment: dict[str, Any] | None = Field(default=None, deprecated=True)


class DeviceClient(Body):
    customer_id: LooseText | None = None
    account_id: LooseText | None = None
    attributes: DeviceClientAttributes | None = None


class DeviceDetails(Body):
    id: PositiveId | None = None
    model_id: LooseText | None = None
    cession_price: Amount | None = None
    imei: Imei | None = None
    pending_imei: bool | None = None
    insured_amount: Amount | None = None
    category: ShortText | None = None
    logistic_required: bool | None = None
    catalogue_id: PositiveId
    amount: Amount | None = None

    @model_validator(mode="after")
    def _imei_or_pending(self) -> "DeviceDetails":
        if self.imei is None and not self.pending_imei:
            raise ValueError("imei: give the device's IMEI, or pending_imei true")
        return self


class InstallmentPlan(Body):
    commission: Amount | None = None
    tae: Decimal | None = Field(default=None, ge=0, le=100)
    tin: Decimal | None = Field(default=None, ge=0, le=100)
    duration: int = Field(ge=0, le=60, description="number of monthly installments")
    monthly_fee: Amount
    last_installment_fee: Amount = Decimal("0")
    discount_final_payment_value: Amount | None = None
    is_promotional_renew: bool | None = None
    financed_by: ShortText | None = None


class DeviceFees(Body):
    upfront_fee: Amount | None = None
    installment_plan: InstallmentPlan | None = None


class DeviceTerms(Body):
    penalty_value: Amount | None = None
    commitment_duration: int | None = Field(default=None, ge=0, le=60, description="0: none")


class DeviceOrder(Body):
    device_details: DeviceDetails
    fees: DeviceFees
    financial_details: dict[str, Any] | None = Field(default=None, deprecated=True)
    campaign_id: PositiveId | None = None
    terms: DeviceTerms | None = None
    reservation_id: ShortText
    signature_process_id: PositiveId | None = None
    signature_type: Literal["PAPER", "DIGITAL", "BIOMETRIC"] | None = None
    # The terminal a renewal replaces; 0 (the reference's example) or absent: not a renewal.
    old_subscription_terminal_id: ZeroMeansNoneId = None


class DeviceSaleCreate(Body):
    delivery_info: DeviceDelivery | None = None
    sell: DeviceSell
    client: DeviceClient
    device: DeviceOrder
    subscription_offer_segment: ShortText


class DeviceSaleResult(BaseModel):
    risk_decision: str
    subscription_terminal_id: int | None


class RequestDetail(BaseModel):
    created_date: str
    request_id: int
    request_type: str
    user_profile_role: str


class DeviceInfo(BaseModel):
    terminal_id: int
    serial_number: int | None
    device_name: str | None
    device_model: str | None
    financed_by: str | None
    is_financed: bool
    value_due_today: JsonMoney
    reservation_id: str
    paid: bool
    terminal_code: str | None
    terminal_category_type: str | None


class InstallmentInfo(BaseModel):
    last_installment_fee: JsonMoney
    monthly_fee: JsonMoney
    duration: int
    unpaid_installments: int
    financed_by: str | None


class FeesInfo(BaseModel):
    upfront_fee: JsonMoney
    installment_plan: InstallmentInfo | None
    final_installment_plan: InstallmentInfo | None


class Permanence(BaseModel):
    duration_months: int
    current_duration_days: int
    penalty_amount: JsonMoney
    current_penalty_amount: JsonMoney


class DeviceView(BaseModel):
    subscription_id: int
    subscription_terminal_id: int
    delivery_date: str | None
    status: SubscriptionLabel
    request_detail: RequestDetail
    device_info: DeviceInfo
    fees: FeesInfo
    permanences: Permanence | None


class SubscriptionDevices(BaseModel):
    devices: list[DeviceView]
