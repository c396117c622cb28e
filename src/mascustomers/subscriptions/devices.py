"""Devices sold on a line: the terminal, its installment plan and its commitment."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from mascustomers.accounts.terms import commitment_values
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.models import CatalogueDevice, Commitment, Subscription, SubscriptionTerminal

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
