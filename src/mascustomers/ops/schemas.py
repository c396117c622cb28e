"""Back-office requests and answers (``snake_case``, ids and ``{"id", "value"}`` statuses)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from sqlalchemy.orm import Session

from mascustomers.catalog.statuses import InvoiceStatus
from mascustomers.kit.clock import format_timestamp, local_date
from mascustomers.kit.request_fields import PositiveId
from mascustomers.kit.schemas import IdValue, money_from_json
from mascustomers.models import Invoice, Recharge, Sell, Subscription, WorkOrder
from mascustomers.orders.holds import HoldDecision
from mascustomers.orders.terminations import Termination
from mascustomers.subscriptions.states import SubscriptionStatus
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType

SignedAmount = Annotated[
    Decimal,
    BeforeValidator(money_from_json),
    Field(max_digits=12, decimal_places=2),
    PlainSerializer(float, return_type=float, when_used="json"),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OpsLabel(IdValue):
    """An id with its label in back-office answers (statuses, types, motives)."""


class Note(Body):
    """Optional body of the work-order actions."""

    reason: str | None = Field(default=None, max_length=150)


class TerminationCreate(Body):
    motive_id: PositiveId = Field(description="termination (1…) or cancellation (101…) motive id")
    deactivation_date: date | None = Field(
        default=None, description="deactivate on this day (after today); omit for now"
    )
    with_penalties: bool = Field(default=False, description="compute and confirm penalties")


class RechargeCreate(Body):
    amount: SignedAmount = Field(description="EUR; negative for refunds and charges")
    origin_id: PositiveId = Field(description="master data recharge_origins id")
    movement_type_id: PositiveId = Field(description="master data movement_types id")


class PaymentCreate(Body):
    pay_date: date | None = Field(default=None, description="defaults to today")


class LineState(BaseModel):
    subscription_id: int
    type: int
    status: OpsLabel

    @classmethod
    def of(cls, line: Subscription) -> "LineState":
        status = SubscriptionStatus(line.status_id)
        return cls(
            subscription_id=line.id,
            type=line.type_id,
            status=OpsLabel(id=status, value=status.label),
        )


class WorkOrderStatusEntry(BaseModel):
    """One step of a work order's status history."""

    status: OpsLabel
    date: str
    modified_by: str
    reason: str | None


class WorkOrderView(BaseModel):
    work_order_id: str
    account_id: int | None
    type: OpsLabel
    status: OpsLabel
    scheduled_date: date | None
    installation: dict[str, object] | None
    subscriptions: list[LineState]
    history: list[WorkOrderStatusEntry]

    @classmethod
    def of(cls, session: Session, order: WorkOrder) -> "WorkOrderView":
        status, kind = WorkOrderStatus(order.status_id), WorkOrderType(order.type_id)
        return cls(
            work_order_id=order.work_order_id,
            account_id=order.account_id,
            type=OpsLabel(id=kind, value=kind.label),
            status=OpsLabel(id=status, value=status.label),
            scheduled_date=order.scheduled_date,
            installation=order.installation,
            subscriptions=[
                LineState.of(line) for line in workorders_service.lines_of(session, order=order)
            ],
            history=[
                WorkOrderStatusEntry(
                    status=OpsLabel(id=row.status_id, value=WorkOrderStatus(row.status_id).label),
                    date=format_timestamp(row.changed_at),
                    modified_by=row.modified_by,
                    reason=row.reason,
                )
                for row in workorders_service.history(session, order=order)
            ],
        )


class HeldOrder(BaseModel):
    sell_id: int
    kind: str
    status: str
    risk_decision: str
    customer_id: int | None
    account_id: int | None
    created_date: str
    created_by: str
    decided_date: str | None
    work_order_ids: list[str]
    subscriptions: list[LineState]

    @classmethod
    def of(cls, decision: HoldDecision) -> "HeldOrder":
        sell: Sell = decision.sell
        return cls(
            sell_id=sell.id,
            kind=sell.kind,
            status=sell.status,
            risk_decision=sell.risk_decision,
            customer_id=sell.customer_id,
            account_id=sell.account_id,
            created_date=format_timestamp(sell.created_at),
            created_by=sell.created_by,
            decided_date=format_timestamp(sell.decided_at) if sell.decided_at else None,
            work_order_ids=[order.work_order_id for order in decision.orders],
            subscriptions=[LineState.of(line) for line in decision.lines],
        )


class HeldOrders(BaseModel):
    holds: list[HeldOrder]
    limit: int
    offset: int

    @classmethod
    def of(cls, decisions: Sequence[HoldDecision], limit: int, offset: int) -> "HeldOrders":
        return cls(holds=[HeldOrder.of(d) for d in decisions], limit=limit, offset=offset)


class TerminationResult(BaseModel):
    subscription_id: int
    status: OpsLabel
    kind: str
    motive: OpsLabel
    effective_date: date
    scheduled_operation_id: int | None
    computed_penalty_id: int | None
    work_order_id: str | None = Field(
        description="the BAJA work order (cancel it to keep a line terminated on a date live)"
    )

    @classmethod
    def of(cls, result: Termination) -> "TerminationResult":
        status = SubscriptionStatus(result.line.status_id)
        return cls(
            subscription_id=result.line.id,
            status=OpsLabel(id=status, value=status.label),
            kind=result.kind.value,
            motive=OpsLabel(id=result.motive.id, value=result.motive.value),
            effective_date=result.effective_date,
            scheduled_operation_id=result.scheduled_operation_id,
            computed_penalty_id=result.computed_penalty_id,
            work_order_id=result.work_order_id,
        )


class RechargeResult(BaseModel):
    recharge_id: int
    subscription_id: int
    amount: SignedAmount
    movement_type_id: int
    origin_id: int
    date: str

    @classmethod
    def of(cls, recharge: Recharge) -> "RechargeResult":
        return cls(
            recharge_id=recharge.id,
            subscription_id=recharge.subscription_id,
            amount=recharge.amount,
            movement_type_id=recharge.movement_type_id,
            origin_id=recharge.origin_id,
            date=format_timestamp(recharge.recharged_at),
        )


class PaymentResult(BaseModel):
    invoice_id: int
    number: str
    status: OpsLabel
    pay_date: date | None

    @classmethod
    def of(cls, invoice: Invoice, tz: str) -> "PaymentResult":
        status = InvoiceStatus(invoice.status_id)
        return cls(
            invoice_id=invoice.id,
            number=invoice.number,
            status=OpsLabel(id=status, value=status.label),
            pay_date=local_date(invoice.paid_at, tz) if invoice.paid_at else None,
        )


class TaxProvinceChange(BaseModel):
    state_id: int = Field(ge=1, le=52, description="INE province id of the new tax address")


class TaxPeriod(BaseModel):
    account_id: int
    state_id: int
    description: str
    tax_value: float
    tax_terminal_value: float
    start_date: str
