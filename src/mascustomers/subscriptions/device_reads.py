"""GET subscriptions/{id}/devices: the terminals sold on a line, their financing and permanence.

Figures, all computed from the stored sale and today's date (org time zone):

- ``unpaid_installments`` = installments − installments already billed;
- ``value_due_today`` = what is still owed for the device: the unpaid installments
  (``monthly_fee`` each, the last one ``last_installment_fee``);
- ``paid`` = nothing is owed any more; ``is_financed`` = the sale had installments;
- ``final_installment_plan`` repeats the plan as it stands (no plan renegotiation exists yet);
  both plans are null for a device paid in full at the sale;
- ``permanences`` (null without a commitment): ``current_duration_days`` = days of the
  commitment served so far, ``current_penalty_amount`` = ``penalty_amount`` × remaining days /
  total days (``kit.money.prorate``), zero once the commitment has ended;
- ``serial_number`` is the IMEI as a number (the reference types it as an integer);
- ``request_detail.request_id`` is the sell that sold the device, ``user_profile_role`` the
  sell's ``category`` (``Generic`` when the channel sent none).
"""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.kit.clock import format_timestamp
from mascustomers.kit.money import ZERO, prorate
from mascustomers.models import CatalogueDevice, Commitment, Sell, SubscriptionTerminal
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.details import number, status_value
from mascustomers.subscriptions.device_schemas import (
    DeviceInfo,
    DeviceView,
    FeesInfo,
    InstallmentInfo,
    Permanence,
    RequestDetail,
    SubscriptionDevices,
)
from mascustomers.subscriptions.operations import load_line


def devices_view(session: Session, *, caller: Caller, subscription_id: int) -> SubscriptionDevices:
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    terminals = repository.terminals_of(session, subscription_id=line.id)
    catalogue = repository.catalogue_devices(
        session, org_id=line.org_id, catalogue_ids={t.catalogue_id for t in terminals}
    )
    commitments = repository.terminal_commitments(session, subscription_id=line.id)
    sells = repository.sells(
        session, sell_ids={t.sell_id for t in terminals if t.sell_id is not None}
    )
    return SubscriptionDevices(
        devices=[
            DeviceView(
                subscription_id=line.id,
                subscription_terminal_id=terminal.id,
                delivery_date=format_timestamp(terminal.delivered_at)
                if terminal.delivered_at
                else None,
                status=status_value(terminal.status_id),
                request_detail=_request_detail(terminal, sells.get(terminal.sell_id or 0)),
                device_info=_device_info(terminal, catalogue.get(terminal.catalogue_id)),
                fees=_fees(terminal),
                permanences=_permanence(commitments.get(terminal.id), caller.today),
            )
            for terminal in terminals
        ]
    )


def unpaid_installments(terminal: SubscriptionTerminal) -> int:
    return max(terminal.installments - terminal.installments_billed, 0)


def outstanding(terminal: SubscriptionTerminal) -> Decimal:
    unpaid = unpaid_installments(terminal)
    if unpaid == 0:
        return ZERO
    return terminal.monthly_fee * (unpaid - 1) + terminal.last_installment_fee


def _request_detail(terminal: SubscriptionTerminal, sell: Sell | None) -> RequestDetail:
    role = None
    if sell is not None and isinstance(sell.request.get("sell"), dict):
        role = sell.request["sell"].get("category")
    return RequestDetail(
        created_date=format_timestamp(terminal.created_at),
        request_id=terminal.sell_id or terminal.id,
        request_type=terminal.request_type,
        user_profile_role=str(role or "Generic"),
    )


def _device_info(terminal: SubscriptionTerminal, device: CatalogueDevice | None) -> DeviceInfo:
    due = outstanding(terminal)
    return DeviceInfo(
        terminal_id=terminal.catalogue_id,
        serial_number=number(terminal.imei or terminal.serial_number),
        device_name=device.name if device else None,
        device_model=device.model if device else None,
        financed_by=terminal.financed_by,
        is_financed=terminal.financed,
        value_due_today=due,
        reservation_id=terminal.reservation_id,
        paid=due == 0,
        terminal_code=device.terminal_code if device else None,
        terminal_category_type=device.category if device else None,
    )


def _fees(terminal: SubscriptionTerminal) -> FeesInfo:
    plan = None
    if terminal.financed:
        plan = InstallmentInfo(
            last_installment_fee=terminal.last_installment_fee,
            monthly_fee=terminal.monthly_fee,
            duration=terminal.installments,
            unpaid_installments=unpaid_installments(terminal),
            financed_by=terminal.financed_by,
        )
    return FeesInfo(
        upfront_fee=terminal.upfront_fee, installment_plan=plan, final_installment_plan=plan
    )


def _permanence(commitment: Commitment | None, today: date) -> Permanence | None:
    if commitment is None:
        return None
    total = (commitment.end_date - commitment.start_date).days
    remaining = min(max((commitment.end_date - today).days, 0), total)
    current = prorate(commitment.penalty_amount, remaining, total) if total > 0 else ZERO
    return Permanence(
        duration_months=commitment.months,
        current_duration_days=total - remaining,
        penalty_amount=commitment.penalty_amount,
        current_penalty_amount=current,
    )
