"""Devices (terminals) sold on a line: the sale with its installment plan and commitment,
and POST subscriptions/{id}/devices.

POST subscriptions/{id}/devices: sell a device (terminal) on an existing line.

Rules, in order (a refusal writes nothing): the line is live and decided; ``client``
``customer_id`` / ``account_id``, when sent, are the line's (``CustomerMismatch``);
``old_subscription_terminal_id`` (a renewal, ``request_type`` "renove"; 0 or absent: none, as
in signups — one field type, ``ZeroMeansNoneId``) is a terminal of this line
(``TerminalNotOfLine``); ``catalogue_id`` is in the device catalogue; the IMEI has a
valid Luhn digit unless ``pending_imei``.

The installment plan, and the commitment from ``terms`` (``commitment_duration`` months,
``penalty_value``), are stored as in signups (``subscriptions.devices.sell_device``). Risk uses
the channel's scoring and the financed amount (installments): ``a`` → 201, the terminal ACTIVO;
``r`` / ``n/a`` → 202, the terminal stored PENDIENTE RIESGO and the sell HELD; ``x`` → 202 with
no terminal, only the rejected sell. A kept sale also gets a TERMINAL contract and a VENTA
TERMINAL work order. The sell records the caller's origin IP.

Devices sold on a line: the terminal, its installment plan and its commitment.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.service import ContractTerms
from mascustomers.accounts.terms import commitment_values
from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.customers.errors import CustomerMismatch
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.models import (
    Account,
    CatalogueDevice,
    Commitment,
    Sell,
    Subscription,
    SubscriptionTerminal,
)
from mascustomers.risk import service as risk_service
from mascustomers.risk.policy import RiskDecision
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.errors import TerminalNotOfLine
from mascustomers.subscriptions.line_changes import (
    line_account,
    load_line,
    open_order,
    require_changeable,
)
from mascustomers.subscriptions.schemas import DeviceClient, DeviceOrder, DeviceSaleCreate
from mascustomers.workorders.states import WorkOrderType
from mascustomers.workorders.undo import DeviceSaleUndo

TERMINAL_ACTIVE = 3
TERMINAL_PENDING_RISK = 5


@dataclass(frozen=True)
class DeviceSale:
    device: CatalogueDevice
    imei: str | None
    serial_number: str | None
    reservation_id: str
    upfront_fee: Decimal
    monthly_fee: Decimal
    installments: int
    last_installment_fee: Decimal
    financed_by: str | None
    commitment_months: int | None
    penalty_amount: Decimal | None
    old_subscription_terminal_id: int | None
    request_type: str

    @property
    def financed(self) -> bool:
        return self.installments > 0

    @property
    def financed_amount(self) -> Decimal:
        return financed_amount(self.monthly_fee, self.installments, self.last_installment_fee)


def financed_amount(
    monthly_fee: Decimal, installments: int, last_installment_fee: Decimal
) -> Decimal:
    """What an installment plan finances: every monthly fee but the last, then the last one."""
    if installments <= 0:
        return Decimal("0")
    return monthly_fee * (installments - 1) + last_installment_fee


def sell_device(
    uow: UnitOfWork,
    *,
    subscription: Subscription,
    sale: DeviceSale,
    sell_id: int | None,
    status_id: int,
    now: datetime,
    today: date,
) -> SubscriptionTerminal:
    """The terminal with its commitment (an order's terminal is not a session object: only
    its id is used)."""
    terminal = SubscriptionTerminal(
        org_id=subscription.org_id,
        subscription_id=subscription.id,
        catalogue_id=sale.device.catalogue_id,
        imei=sale.imei,
        serial_number=sale.serial_number,
        reservation_id=sale.reservation_id,
        status_id=status_id,
        request_type=sale.request_type,
        price=sale.device.price,
        upfront_fee=sale.upfront_fee,
        financed=sale.financed,
        financed_by=sale.financed_by,
        monthly_fee=sale.monthly_fee,
        installments=sale.installments,
        last_installment_fee=sale.last_installment_fee,
        installments_billed=0,
        old_subscription_terminal_id=sale.old_subscription_terminal_id,
        sell_id=sell_id,
        created_at=now,
    )
    uow.add_row(terminal)
    if sale.commitment_months:
        commitment = commitment_values(
            org_id=subscription.org_id,
            account_id=subscription.account_id,
            account_bundle_id=subscription.account_bundle_id,
            subscription_id=subscription.id,
            associated_type="terminal",
            months=sale.commitment_months,
            penalty_amount=sale.penalty_amount or Decimal("0"),
            start=today,
            subscription_terminal_id=terminal.id,
        )
        uow.append(Commitment, **commitment)
    return terminal


DEVICE = "DEVICE"


def add_device(
    session: Session, *, caller: Caller, subscription_id: int, body: DeviceSaleCreate
) -> tuple[RiskDecision, int | None]:
    """The decision and, unless rejected, the new ``subscription_terminal_id``."""
    line = load_line(session, caller=caller, subscription_id=subscription_id, lock=True)
    account, sale = _check(session, caller=caller, line=line, body=body)
    scoring = body.sell.payment.scoring if body.sell.payment else None
    assessment = risk_service.decide(
        session,
        caller=caller,
        customer_id=account.customer_id,
        scoring_value=scoring.scoring_value if scoring else None,
        credit_limit_available=scoring.credit_limit_available if scoring else None,
        financed_amount=sale.financed_amount,
    )
    uow = UnitOfWork(session)
    sell = risk_service.record_sell(
        uow,
        caller=caller,
        kind=DEVICE,
        customer_id=account.customer_id,
        account_id=account.id,
        assessment=assessment,
        request={"subscription_id": line.id, **body.model_dump(mode="json")},
        sales=body.sell,
    )
    if assessment.decision == RiskDecision.REJECTED:
        return assessment.decision, None
    held = assessment.decision != RiskDecision.APPROVED
    terminal_id = _store(
        uow,
        caller=caller,
        line=line,
        account=account,
        sale=sale,
        sell=sell,
        held=held,
        order=body.device,
    )
    return assessment.decision, terminal_id


def _check(
    session: Session, *, caller: Caller, line: Subscription, body: DeviceSaleCreate
) -> tuple[Account, DeviceSale]:
    """The module's rules; the line's account and the sale as it will be stored."""
    require_changeable(line)
    account = line_account(session, subscription=line)
    _check_client(body.client, account=account)
    _check_renewal(session, line=line, order=body.device)
    device = catalog_service.device(
        session,
        org_id=caller.org_id,
        catalogue_id=body.device.device_details.catalogue_id,
        field="device.device_details.catalogue_id",
    )
    return account, device_sale(body.device, device)


def _store(
    uow: UnitOfWork,
    *,
    caller: Caller,
    line: Subscription,
    account: Account,
    sale: DeviceSale,
    sell: Sell,
    held: bool,
    order: DeviceOrder,
) -> int:
    """The terminal (with its commitment), its TERMINAL contract and work order."""
    terminal = sell_device(
        uow,
        subscription=line,
        sale=sale,
        sell_id=sell.id,
        status_id=TERMINAL_PENDING_RISK if held else TERMINAL_ACTIVE,
        now=caller.now,
        today=caller.today,
    )
    contract = accounts_service.add_contract(
        uow.session,
        account=account,
        terms=ContractTerms(
            signature_config="TERMINAL",
            signature_type=order.signature_type,
            process_id=order.signature_process_id,
            subscription_id=line.id,
            subscription_terminal_id=terminal.id,
        ),
        now=caller.now,
    )
    open_order(
        uow,
        caller=caller,
        subscription=line,
        sell=sell,
        type=WorkOrderType.VENTA_TERMINAL,
        held=held,
        undo=DeviceSaleUndo(subscription_terminal_id=terminal.id, contract_id=contract.id),
    )
    return terminal.id


def device_sale(order: DeviceOrder, device: CatalogueDevice) -> DeviceSale:
    plan = order.fees.installment_plan
    installments = plan.duration if plan else 0
    terms = order.terms
    return DeviceSale(
        device=device,
        imei=order.device_details.imei,
        serial_number=None,
        reservation_id=order.reservation_id,
        upfront_fee=order.fees.upfront_fee or Decimal("0"),
        monthly_fee=plan.monthly_fee if plan and installments else Decimal("0"),
        installments=installments,
        last_installment_fee=plan.last_installment_fee if plan and installments else Decimal("0"),
        financed_by=plan.financed_by if plan else None,
        commitment_months=terms.commitment_duration if terms else None,
        penalty_amount=terms.penalty_value if terms else None,
        old_subscription_terminal_id=order.old_subscription_terminal_id,
        request_type="venta" if order.old_subscription_terminal_id is None else "renove",
    )


def _check_client(client: DeviceClient, *, account: Account) -> None:
    if client.customer_id is not None and client.customer_id != str(account.customer_id):
        raise CustomerMismatch(
            f"client.customer_id: the line belongs to customer {account.customer_id}"
        )
    if client.account_id is not None and client.account_id not in (
        str(account.id),
        account.account_number,
    ):
        raise CustomerMismatch(f"client.account_id: the line belongs to account {account.id}")


def _check_renewal(session: Session, *, line: Subscription, order: DeviceOrder) -> None:
    old = order.old_subscription_terminal_id
    if old is None:
        return
    if repository.terminal_of(session, subscription_id=line.id, terminal_id=old) is None:
        raise TerminalNotOfLine(
            f"device.old_subscription_terminal_id: terminal {old} is not a terminal of "
            f"subscription {line.id}",
            terminal_id=old,
        )
