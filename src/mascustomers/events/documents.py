"""One JSON schema per event type, for the OpenAPI document: models, and its ``webhooks``.

Each type's model says what its event carries: ``type`` fixed to its name, ``subject`` with
the ids of its object, ``data.object`` the schema of the GET that shows the object, and
``data.previous`` where the type has one. ``EventPage`` (GET events) lists them as a union
told apart by ``type``; the document's ``webhooks`` section (OpenAPI 3.1) shows each as the
POST a receiver gets, with its signature header.
"""

from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from mascustomers.accounts.schemas import InvoiceInfo
from mascustomers.events.schemas import WebhookEndpointView
from mascustomers.events.signature import HEADER, TOLERANCE_SECONDS
from mascustomers.ops.schemas import HeldOrder, WorkOrderView
from mascustomers.outbox.types import TYPES, EventType, ObjectKind
from mascustomers.penalties.schemas import ComputedPenalty
from mascustomers.signups.schemas import SellSummary
from mascustomers.subscriptions.schemas import (
    BonusItem,
    ServiceItem,
    SubscriptionDetail,
    SubscriptionProducts,
)

OBJECTS: dict[ObjectKind, type[BaseModel]] = {
    ObjectKind.SELL: SellSummary,
    ObjectKind.SUBSCRIPTION: SubscriptionDetail,
    ObjectKind.PRODUCTS: SubscriptionProducts,
    ObjectKind.BONUS: BonusItem,
    ObjectKind.SERVICE: ServiceItem,
    ObjectKind.WORK_ORDER: WorkOrderView,
    ObjectKind.RISK_HOLD: HeldOrder,
    ObjectKind.PENALTY: ComputedPenalty,
    ObjectKind.INVOICE: InvoiceInfo,
    ObjectKind.WEBHOOK_ENDPOINT: WebhookEndpointView,
}

_LINE = {"subscription_id": int, "account_id": int}
SUBJECTS: dict[ObjectKind, dict[str, Any]] = {
    ObjectKind.SELL: {
        "sell_id": int,
        "customer_id": int | None,
        "account_id": int | None,
        "work_order_id": str | None,
    },
    ObjectKind.SUBSCRIPTION: _LINE,
    ObjectKind.PRODUCTS: _LINE,
    ObjectKind.BONUS: {**_LINE, "bonus_id": int},
    ObjectKind.SERVICE: {**_LINE, "service_id": int},
    ObjectKind.WORK_ORDER: {"work_order_id": str, "account_id": int | None},
    ObjectKind.RISK_HOLD: {"sell_id": int, "account_id": int | None},
    ObjectKind.PENALTY: {
        "computed_penalty_id": int,
        "account_id": int,
        "subscription_id": int | None,
    },
    ObjectKind.INVOICE: {"invoice_id": int, "account_id": int, "number": str},
    ObjectKind.WEBHOOK_ENDPOINT: {"webhook_endpoint_id": int},
}


def model_name(type: EventType) -> str:
    """``subscription.product_changed`` → ``SubscriptionProductChangedEvent``."""
    words = type.value.replace(".", "_").split("_")
    return "".join(word.capitalize() for word in words) + "Event"


@cache
def _subject(kind: ObjectKind) -> type[BaseModel]:
    name = "".join(word.capitalize() for word in kind.value.split("_")) + "Subject"
    fields: dict[str, Any] = {key: (value, ...) for key, value in SUBJECTS[kind].items()}
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


@cache
def event_model(type: EventType) -> type[BaseModel]:
    info = TYPES[type]
    name = model_name(type)
    data: dict[str, Any] = {
        "object": (OBJECTS[info.kind], Field(description="What the matching GET answered")),
    }
    if info.previous is not None:
        data["previous"] = (dict[str, Any], Field(description=info.previous))
    fixed: Any = Literal[type.value]  # one literal per type: the union's discriminator
    return create_model(
        name,
        __doc__=info.when,
        id=(int, ...),
        type=(fixed, ...),
        org=(str, ...),
        created=(str, Field(description="On the org's clock (UTC)")),
        subject=(_subject(info.kind), ...),
        data=(create_model(name.removesuffix("Event") + "Data", **data), ...),
    )


@cache
def event_page() -> type[BaseModel]:
    """GET events' answer, each event typed by its ``type``."""
    models = tuple(event_model(type) for type in EventType)
    any_event: Any = Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007
    return create_model(
        "EventPage",
        events=(list[any_event], ...),
        next_cursor=(str | None, Field(description="Pass as `cursor` for the next page")),
        has_more=(bool, ...),
    )


SIGNATURE_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": True,
    "description": '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with '
    f"the endpoint's secret>`. Refuse a delivery more than {TOLERANCE_SECONDS} seconds "
    "from your clock; `mascustomers.events.signature.verify` does both checks.",
    "schema": {"type": "string"},
}


def webhooks() -> dict[str, Any]:
    """The document's ``webhooks``: the POST each event type arrives as."""
    return {
        type.value: {
            "post": {
                "summary": f"{type.value} delivered",
                "description": TYPES[type].when,
                "operationId": f"webhook_{type.value.replace('.', '_')}",
                "tags": ["Webhooks"],
                "parameters": [SIGNATURE_PARAMETER],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{model_name(type)}"}
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Received. Any 2xx ends the delivery; anything "
                        "else (or no answer within 15 seconds) is retried."
                    }
                },
            }
        }
        for type in EventType
    }
