"""What the account read operations answer, in the reference's field names and JSON types.

Timestamps are ``YYYY-MM-DDTHH:MM:SSZ``; a stored calendar date shown as a timestamp (a term's
start, an invoice cycle) is the start of that day in the org's time zone, as the reference's
own examples are (``2017-09-15T22:00:00Z`` is midnight in Madrid). Money is exact ``Decimal``
inside and a JSON number outside (``47.89``).
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from mascustomers.kit.clock import format_timestamp
from mascustomers.kit.schemas import IdRef


def _rate(value: Decimal) -> int | float:
    """A tax rate: a JSON integer when whole (21), else a number (9.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


Timestamp = Annotated[
    datetime,
    PlainSerializer(format_timestamp, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2019-12-09T09:58:34Z"]}),
]
Money = Annotated[
    Decimal,
    PlainSerializer(float, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "format": "double", "examples": [47.89]}),
]
Rate = Annotated[
    Decimal,
    PlainSerializer(_rate, return_type=int | float, when_used="json"),
    WithJsonSchema({"type": "number", "examples": [21], "description": "percentage"}),
]


class Read(BaseModel):
    model_config = ConfigDict(frozen=True)


class AccountRef(IdRef, Read):
    pass


# --- GET accounts/{accountId} ----------------------------------------------------------------


class WorkOrderInfo(Read):
    work_order_id: str
    work_order_type: AccountRef
    status: AccountRef
    created_date: Timestamp


class Account(Read):
    id: int = Field(description="id de la cuenta")
    customer_id: int = Field(description="id del cliente")
    account_number: str = Field(description="numero de contrato")
    work_order_id: str | None = Field(
        description="the latest work order. DEPRECATED, this info is in work_orders list"
    )
    work_orders: list[WorkOrderInfo] = Field(description="the account's work orders, newest first")
    activation_date: Timestamp | None = Field(description="account activation date")
    billing_type: AccountRef
    status: AccountRef
    path: str | None = Field(description="contract document folder")
    filename: str | None = Field(description="contract document file")


# --- GET accounts/{accountId}/tax --------------------------------------------------------------


class TaxChange(Read):
    tax_value: Rate
    tax_terminal_value: Rate
    state_id: int
    description: str
    start_date: Timestamp
    end_date: Timestamp


class TaxAccountInfo(Read):
    id: int = Field(description="account id")
    tax_value: Rate
    tax_terminal_value: Rate
    state_id: int = Field(description="province (INE id) the tax comes from")
    description: str = Field(description="IVA, IGIC or IPSI")
    start_date: Timestamp = Field(description="when the account moved into the current state")
    historical_changes: list[TaxChange] | None = Field(
        default=None, description="earlier periods; only with include_historical_changes=true"
    )


# --- GET accounts/{accountId}/contracts -------------------------------------------------------


class SignatureConfig(StrEnum):
    CONVERGENTE = "CONVERGENTE"
    SOLOMOVIL = "SOLOMOVIL"
    TV = "TV"
    TERMINAL = "TERMINAL"
    SIM_REPLACEMENT = "SIM_REPLACEMENT"
    CHANGE_ADDRESS = "CHANGE_ADDRESS"
    BUNDLE_MIGRATION = "BUNDLE_MIGRATION"
    CHANGE_TECHNOLOGY = "CHANGE_TECHNOLOGY"
    UNFINANCED_TERMINAL = "UNFINANCED_TERMINAL"
    FINANCED_TERMINAL = "FINANCED_TERMINAL"
    BUNDLE_ADDLINE = "BUNDLE_ADDLINE"
    CHANGE_OWNER = "CHANGE_OWNER"


class ContractInfo(Read):
    account_bundle_id: int | None
    account_id: int
    pdf_file_name: str
    document_id: str
    digital_signature_origin_id: str | None
    ineid: str | None
    iccid: str | None
    ccggid: str | None
    subscription_id: int | None
    subscription_terminal_id: int | None
    process_id: str | None
    status: str
    signed_document_id: str | None
    contract_id: str


class AccountContracts(Read):
    contracts: list[ContractInfo]


# --- GET accounts/{accountId}/invoices --------------------------------------------------------


class Period(Read):
    start_date: date
    end_date: date


class Cycle(Read):
    start_date: Timestamp
    end_date: Timestamp


class InvoiceInfo(Read):
    value: Money = Field(description="net amount")
    value_total: Money = Field(description="amount with tax")
    delivery_mode: str
    date: Timestamp
    pay_date: Timestamp | None
    number: str
    path: str
    status: AccountRef
    cycle: Cycle


class AccountInvoices(Read):
    account_id: int
    period_date: Period
    invoices: list[InvoiceInfo]


# --- GET accounts/{accountId}/terms -----------------------------------------------------------


class TermPromotion(Read):
    id: int | None
    value: str | None
    description: str | None


class TermInfo(Read):
    subscription_id: int | None
    start_date: Timestamp
    end_date: Timestamp
    penalty_amount: Money
    terms_months: int
    account_bundle_id: int | None
    binding_type: AccountRef = Field(description='{"id": months, "value": "12 MESES"}')
    promotion: TermPromotion = Field(description="what the permanence is associated to")
    associated_type: Literal["terminal", "promotion"]
    associated_terminal: AccountRef | None = Field(
        description="for a terminal: the sold terminal's id and its device's name"
    )


# --- GET accounts/{accountId}/paymentinfo -----------------------------------------------------


class PaymentMethod(StrEnum):
    BANK_ACCOUNT = "BANK_ACCOUNT"
    BANK_TRANSFER = "BANK_TRANSFER"
    CREDIT_CARD = "CREDIT_CARD"
    ECI = "ECI"
    RECURRING_CREDIT_CARD = "RECURRING_CREDIT_CARD"


class BankAccount(Read):
    entity: str | None
    subsidiary: str | None
    control_digit: str | None
    number: str | None
    iban: str


class CreditCard(Read):
    reference: str | None
    type_id: int | None
    number: str | None = Field(description="masked: first 6 and last 4 digits only")
    validity_date: str | None = Field(description="MMYY")


class PaymentInfo(Read):
    payment_method: PaymentMethod
    bank_account: BankAccount | None
    credit_card: CreditCard | None


# --- GET accounts/{accountId}/promotions ------------------------------------------------------


class PromotionFilter(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class BenefitType(Read):
    id: int = Field(description="1 percentage, 2 amount")
    value: Money = Field(description="the discount: a percentage or an amount")


class SubscriptionPromotion(Read):
    subscription_id: int | None
    promotion_id: int
    promotion_code: str | None
    promotion_name: str | None
    association_date: Timestamp
    end_date: Timestamp | None
    account_bundle_id: int | None
    promotion_benefit_type: BenefitType | None
    promotion_type: AccountRef


class AccountPromotion(Read):
    promotion_id: int
    begin_date: Timestamp
    promotion_name: str | None
    end_date: Timestamp | None
    promotion_benefit_type: BenefitType | None
    promotion_type: AccountRef


class BundlePromotion(Read):
    promotion_id: int
    effective_date_ini: Timestamp
    effective_date_end: Timestamp | None
    promotion_name: str | None
    account_bundle_id: int | None
    promotion_benefit_type: BenefitType | None
    promotion_type: AccountRef


class AccountPromotions(Read):
    subscription_promotions: list[SubscriptionPromotion]
    account_promotions: list[AccountPromotion]
    account_bundle_promotions: list[BundlePromotion]
