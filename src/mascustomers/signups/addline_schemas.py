"""Bodies of POST signups/subscriptions (add lines or TV) and POST signups/migration."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from mascustomers.kit.request_fields import Email, Msisdn, PositiveId, ShortText
from mascustomers.signups.schemas import (
    Body,
    MobileLine,
    PromotionRef,
    SalesInfo,
    Terminal,
    TpvResponse,
)


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
