"""Bodies of GET and POST subscriptions/{id}/devices, in the reference's field names.

POST accepts the reference's whole body. ``device.device_details.catalogue_id`` is mandatory
(2.38; a number or a numeric string). Deprecated parts (``client.attributes.employment``,
``device.financial_details``, the delivery address fields deprecated in 2.25.4) are accepted
and ignored. ``installment_plan.duration`` is the number of monthly installments (0: not
financed); ``financed_by`` is accepted there as in signups.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, model_validator

from mascustomers.kit.request_fields import Amount, Imei, PositiveId, ShortText, ZeroMeansNoneId
from mascustomers.subscriptions.schemas import Body, JsonMoney, SubscriptionLabel


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
