"""Bodies of the signup operations, in the reference's field names.

Request and response bodies of the signup operations, in the reference's field names.

Unknown fields are ignored (channels send fields of other API versions); every documented
field is validated. Deprecated fields (``employment``, ``financial_details.pre_booking``) are
accepted and never processed.

Bodies of POST signups/subscriptions (add lines or TV) and POST signups/migration.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from mascustomers.customers.schemas import Address, Clients
from mascustomers.kit.request_fields import (
    Amount,
    Email,
    Iban,
    Iccid,
    Id,
    Imei,
    Limit,
    Msisdn,
    Offset,
    PositiveId,
    ShortText,
)
from mascustomers.subscriptions.schemas import DeviceOrder, DeviceScoring


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


SignatureType = Literal["PAPER", "DIGITAL", "BIOMETRIC"]
DeliveryType = Literal["LOGISTIC", "SHOP"]


class SalesInfo(Body):
    channel: ShortText
    dealer_id: ShortText | None = None
    shop_id: ShortText | None = None
    agent_id: ShortText | None = None
    logistic: bool = False
    signature_process_id: PositiveId | None = None
    signature_type: SignatureType | None = None
    channel_id: PositiveId | None = None


class InstallationAddress(Address):
    gescal: ShortText | None = None
    pair_vacancy: ShortText | None = None
    address_id: ShortText | None = None


class Contact(Body):
    name: ShortText | None = None
    middlename: ShortText | None = None
    lastname: ShortText | None = None
    phone: ShortText | None = None
    email: Email | None = None
    document_type_id: PositiveId | None = None
    document_value: ShortText | None = None


class BankInfo(Body):
    bank_account: Iban
    swift_bic: str | None = Field(default=None, pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")


class TpvResponse(Body):
    amount: ShortText | None = None
    card_number: str = Field(pattern=r"^\d{6}\*{2,9}\d{4}$")
    expiry_date: str = Field(pattern=r"^(0[1-9]|1[0-2])\d{2}$")
    transaction_id: ShortText
    reference_id: ShortText | None = None
    platform: Literal["PAYMENTS", "TPV", "REDSYS"] | None = None
    payment_link: ShortText | None = None
    tax: Decimal | None = Field(default=None, ge=0, le=100)


class Payment(Body):
    billing_type_id: Literal[1, 2] = Field(description="1 POSPAGO, 2 PREPAGO")
    scoring: DeviceScoring | None = None
    info: BankInfo | None = None
    tpv_response: TpvResponse | None = None
    account_number: str | None = Field(default=None, pattern=r"^MM-\d{7}$")


class IdRef(Body):
    id: PositiveId


class PromotionRef(Body):
    id: PositiveId
    value: ShortText | None = None


class Terminal(Body):
    id: PositiveId | None = None
    financed: bool | None = None
    imei: Imei | None = None
    serial_number: ShortText | None = None


class Portability(Body):
    scheduled_date: date
    iccid: Iccid | None = None
    operator_id: ShortText
    operation_type: PositiveId | None = None
    initial_date_operation: date | None = None
    donor_line_type: Literal["C", "P"] = Field(description="C contract (postpaid), P prepaid")
    donor_user: dict[str, Any] | None = None
    internal_portability: bool | None = None
    installation_required: bool | None = None


class DeliveryInfo(Body):
    contact: Contact | None = None
    address: Address | None = None
    delivery_shop_id: ShortText | None = None
    delivery_type: DeliveryType | None = None


class MobileLine(Body):
    existing_number: bool = False
    type: Literal["mobile"] = "mobile"
    product_id: PositiveId
    portability_info: Portability | None = None
    msisdn: Msisdn | None = None
    iccid: Iccid | None = None
    fabrication_type_sim_id: PositiveId | None = None
    initial_balance: Amount | None = None
    bonuses: list[IdRef] = Field(default_factory=list, max_length=20)
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)
    terminals: list[Terminal] = Field(default_factory=list, max_length=5)
    wants_communications: bool | None = None
    expedition_info: dict[str, Any] | None = None
    delivery_info: DeliveryInfo | None = None
    devices: list[DeviceOrder] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _number_source(self) -> "MobileLine":
        if self.portability_info is not None and self.msisdn is None:
            raise ValueError("msisdn: a ported line needs the number to port")
        return self


class Landline(Body):
    product_id: PositiveId
    portability_info: Portability | None = None
    number: str | None = Field(default=None, pattern=r"^[89]\d{8}$")
    bonuses: list[IdRef] = Field(default_factory=list, max_length=20)
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)
    services: list[IdRef] = Field(default_factory=list, max_length=20)
    wants_communications: bool | None = None


class Ftth(Body):
    product_id: PositiveId
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)
    connection_type: ShortText | None = None
    installer: ShortText | None = None
    iua: ShortText | None = None
    terminals: list[Terminal] = Field(default_factory=list, max_length=5)
    wants_communications: bool | None = None
    access_reuse: ShortText | None = None
    access_reuse_choice: bool | None = None
    services: list[IdRef] = Field(default_factory=list, max_length=20)


class Adsl(Body):
    product_id: PositiveId
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)
    wants_communications: bool | None = None
    install_tech_support: bool | None = None
    tech_support_billiable: bool | None = None


class Tv(Body):
    product_id: PositiveId
    number_associated: ShortText | None = None
    registration_email: Email | None = None
    contact_phone: ShortText | None = None
    install_tech_support: bool | None = None
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)
    terminals: list[Terminal] = Field(default_factory=list, max_length=5)


class Ott(Body):
    product_id: PositiveId
    email: Email | None = None
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)


class InstallationInfo(Body):
    contact: Contact | None = None
    address: InstallationAddress | None = None


class BundleOrder(Body):
    bundle_id: PositiveId
    territory_owner: ShortText | None = None
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)
    installation_info: InstallationInfo | None = None
    delivery_info: DeliveryInfo | None = None
    landline: Landline | None = None
    ftth: Ftth | None = None
    adsl: Adsl | None = None
    mobile_lines: list[MobileLine] = Field(default_factory=list, max_length=10)
    tv: Tv | None = None
    ott: list[Ott] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _one_fixed_access(self) -> "BundleOrder":
        if self.ftth is not None and self.adsl is not None:
            raise ValueError("ftth and adsl: a bundle has one fixed access, not both")
        return self


class Products(Body):
    mobile_line: MobileLine | None = None
    bundle: BundleOrder | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> "Products":
        if self.mobile_line is None and self.bundle is None:
            raise ValueError("give products.mobile_line, products.bundle or both")
        return self


class SignupCreate(Body):
    sales_type: Literal["telecomunications"]
    sales_info: SalesInfo
    clients: Clients
    payment: Payment
    products: Products

    @model_validator(mode="after")
    def _payment_for_postpaid(self) -> "SignupCreate":
        if self.payment.billing_type_id == 1 and not (
            self.payment.info or self.payment.tpv_response
        ):
            raise ValueError(
                "payment: a postpaid (1) signup needs info.bank_account or tpv_response"
            )
        return self


class SubscriptionInfo(BaseModel):
    type: int
    subscription_id: int
    user_info_id: int
    msisdn: str | None = None
    fixed_number: str | None = None
    associated_number: str | None = None
    subscription_terminal_id: int | None = None


class AccountInfo(BaseModel):
    account_id: int
    account_number: str
    bundle_id: int | None = None
    subscriptions: list[SubscriptionInfo]


class SignupResult(BaseModel):
    sell_id: int
    customer_id: int | None
    work_order_id: str | None
    account_info: AccountInfo | None
    risk_decision: str


class RiskDecisionResult(BaseModel):
    risk_decision: str


def _text(value: object) -> object:
    # The reference's examples send some numbers as JSON numbers (msisdn: 12345).
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


LooseMsisdn = Annotated[Msisdn, BeforeValidator(_text)]
LooseText = Annotated[ShortText, BeforeValidator(_text)]


class ClientAttributesLite(Body):
    document_expiration_date: date | None = None
    employment: dict[str, Any] | None = Field(default=None, deprecated=True)


class ClientLite(Body):
    attributes: ClientAttributesLite | None = None


class AddedMobileLine(MobileLine):
    type: Literal["additional", "extra"] = "additional"  # type: ignore[assignment]
    msisdn: LooseMsisdn | None = None


class AddedTv(Body):
    product_id: PositiveId
    number_associated: LooseText | None = None
    registration_email: Email | None = None
    contact_phone: LooseText | None = None
    install_tech_support: bool | None = None
    promotions: list[PromotionRef] = Field(default_factory=list, max_length=20)
    terminals: list[Terminal] = Field(default_factory=list, max_length=5)


class AddedSubscriptions(Body):
    mobile_lines: list[AddedMobileLine] = Field(default_factory=list, max_length=10)
    tv: AddedTv | None = None

    @model_validator(mode="after")
    def _something(self) -> "AddedSubscriptions":
        if not self.mobile_lines and self.tv is None:
            raise ValueError("account.subscriptions: give mobile_lines or tv")
        return self


class AddLinesAccount(Body):
    account_id: PositiveId
    subscriptions: AddedSubscriptions


class AddLinesCreate(Body):
    client: ClientLite | None = None
    sales_info: SalesInfo
    account: AddLinesAccount
    tpv_response: TpvResponse | None = None


class MigrationFixed(Body):
    product_id: PositiveId


class MigrationLine(Body):
    subscription_id: PositiveId
    type: Literal["main", "additional", "extra"] | None = None
    product_id: PositiveId
    msisdn: LooseMsisdn | None = None


class MigrationSubscriptions(Body):
    ftth: MigrationFixed | None = None
    adsl: MigrationFixed | None = None
    landline: MigrationFixed | None = None
    mobile_lines: list[MigrationLine] = Field(default_factory=list, max_length=10)
    tv: MigrationFixed | None = None
    ott: list[MigrationFixed] = Field(default_factory=list, max_length=5)


class MigrationAccount(Body):
    account_id: PositiveId
    new_bundle_id: PositiveId
    subscriptions: MigrationSubscriptions | None = None


class MigrationSalesInfo(Body):
    channel: ShortText | None = None
    dealer_id: ShortText | None = None
    shop_id: ShortText | None = None
    agent_id: ShortText | None = None
    logistic: bool = False
    signature_process_id: PositiveId | None = None
    signature_type: Literal["PAPER", "DIGITAL", "BIOMETRIC"] | None = None


class MigrationCreate(Body):
    client: ClientLite | None = None
    sales_info: MigrationSalesInfo | None = None
    account: MigrationAccount


class ActivateSim(Body):
    msisdn: Msisdn
    activation_type: PositiveId | None = None


# --- GET signups ---


class SellSummary(BaseModel):
    sell_id: int
    kind: str
    customer_id: int | None
    account_id: int | None
    work_order_id: str | None
    status: str
    risk_decision: str
    created_date: str


class SellFilter(BaseModel):
    """Query of GET signups."""

    work_order_id: str | None = Field(default=None, max_length=30)
    customer_id: Id | None = None
    start_date: date | None = None
    end_date: date | None = None
    limit: Limit = 100
    offset: Offset = 0


class SellList(BaseModel):
    signups: list[SellSummary]
    limit: int
    offset: int
