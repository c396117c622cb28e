"""Subscription lifecycle: creating lines, moving status (with history), changing product.

Also what cancelling a work order does to a line it changed: ``switch_product`` back,
``restore_sim`` and ``restore_blocks`` (called by ``orders.effects``).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.catalog import master_data
from mascustomers.catalog import service as catalog_service
from mascustomers.catalog.errors import ProductNotSellable
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import NotFound, ValidationFailed
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import SimStatus
from mascustomers.models import (
    Recharge,
    Subscription,
    SubscriptionBlock,
    SubscriptionProduct,
    SubscriptionService,
    SubscriptionStatusChange,
)
from mascustomers.outbox import changes as events
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.errors import NotPrepaid
from mascustomers.subscriptions.line_services import set_service, sync_services
from mascustomers.subscriptions.states import (
    Origin,
    SubscriptionStatus,
    SubscriptionType,
    check_transition,
)


@dataclass(frozen=True)
class NewLine:
    """What a selling operation decided about one line before it is stored."""

    type: SubscriptionType
    product_id: int
    status: SubscriptionStatus
    origin: Origin
    user_id: int
    identification_nr: str | None = None
    associated_number: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    mobile_line_type: str | None = None
    registration_email: str | None = None
    service_ids: tuple[int, ...] = ()
    details: dict[str, Any] | None = None


def create(
    uow: UnitOfWork,
    *,
    org_id: int,
    account_id: int,
    account_bundle_id: int | None,
    sell_id: int,
    line: NewLine,
    dealer_id: str | None,
    shop_id: str | None,
    actor: str,
    now: datetime,
) -> Subscription:
    """Store a line with its first status, product and services."""
    subscription = Subscription(
        org_id=org_id,
        uuid=str(uuid.uuid4()),
        account_id=account_id,
        account_bundle_id=account_bundle_id,
        sell_id=sell_id,
        type_id=line.type,
        status_id=line.status,
        origin_id=line.origin,
        mobile_line_type=line.mobile_line_type,
        identification_nr=line.identification_nr,
        associated_number=line.associated_number,
        iccid=line.iccid,
        imsi=line.imsi,
        user_id=line.user_id,
        expedition_user_id=line.user_id,
        product_id=line.product_id,
        registration_email=line.registration_email,
        dealer_id=dealer_id,
        shop_id=shop_id,
        details=line.details,
        sell_at=now,
        activated_at=now if line.status.is_in_service else None,
    )
    uow.add(subscription)
    name_contract(subscription)
    _first_history(uow, subscription, line, actor=actor, now=now)
    return subscription


def _first_history(
    uow: UnitOfWork, subscription: Subscription, line: NewLine, *, actor: str, now: datetime
) -> None:
    """A new line's first status, tariff period and services."""
    uow.append(
        SubscriptionStatusChange,
        subscription_id=subscription.id,
        status_id=line.status,
        changed_at=now,
        modified_by=actor,
    )
    uow.append(
        SubscriptionProduct,
        subscription_id=subscription.id,
        product_id=line.product_id,
        started_at=now,
        reason="ALTA",
    )
    for service_id in line.service_ids:
        uow.append(
            SubscriptionService,
            subscription_id=subscription.id,
            service_id=service_id,
            active=True,
            modified_at=now,
        )


def name_contract(subscription: Subscription) -> None:
    """Where the line's contract document is stored (named after its id)."""
    subscription.contract_path = f"/contracts/{subscription.org_id}/subscriptions/{subscription.id}"
    subscription.contract_filename = f"subscription_{subscription.id}.pdf"


def move_status(
    session: Session,
    *,
    subscription: Subscription,
    target: SubscriptionStatus,
    actor: str,
    now: datetime,
) -> None:
    """Change status through the transition table, keeping the history (and its event)."""
    previous, first = SubscriptionStatus(subscription.status_id), subscription.activated_at is None
    check_transition(previous, target)
    subscription.status_id = target
    if target.is_in_service and subscription.activated_at is None:
        subscription.activated_at = now
    if target.is_ended:
        subscription.ended_at = now
    session.add(
        SubscriptionStatusChange(
            subscription_id=subscription.id, status_id=target, changed_at=now, modified_by=actor
        )
    )
    session.flush()
    events.line_status_changed(
        session, line=subscription, previous=previous, first_activation=first, now=now
    )


def start_tariff_period(
    session: Session, *, subscription: Subscription, product_id: int, reason: str, now: datetime
) -> None:
    """Close the current tariff period and open one for ``product_id``."""
    previous = subscription.product_id
    current = repository.current_product(session, subscription_id=subscription.id)
    if current is not None:
        current.ended_at = now
    session.add(
        SubscriptionProduct(
            subscription_id=subscription.id, product_id=product_id, started_at=now, reason=reason
        )
    )
    subscription.product_id = product_id
    session.flush()
    events.product_changed(session, line=subscription, previous=previous, now=now)


def switch_product(
    session: Session, *, line: Subscription, product_id: int, reason: str, actor: str, now: datetime
) -> None:
    """``start_tariff_period`` and align the line's services with the new product's."""
    start_tariff_period(session, subscription=line, product_id=product_id, reason=reason, now=now)
    try:
        target = catalog_service.product(
            session, org_id=line.org_id, product_id=product_id, field=""
        )
    except ProductNotSellable:
        return  # no longer in the catalogue: the services stay as they are
    sync_services(session, line=line, service_ids=target.service_ids, actor=actor, now=now)


def restore_services(
    session: Session, *, line: Subscription, active: dict[int, bool], actor: str, now: datetime
) -> None:
    """Switch the line's services back to ``active`` (service id → on), with history."""
    for row in repository.services_of(session, subscription_id=line.id):
        wanted = active.get(row.service_id)
        if wanted is not None and row.active != wanted:
            set_service(session, line=line, row=row, active=wanted, actor=actor, now=now)


def restore_sim(
    session: Session, *, line: Subscription, old_iccid: str, new_iccid: str, now: datetime
) -> bool:
    """Put the line back on ``old_iccid`` and ``new_iccid`` back in stock.

    False (nothing written) when the line no longer has ``new_iccid`` or the old card is gone.
    """
    old = inventory_service.get_sim(session, org_id=line.org_id, iccid=old_iccid)
    if old is None or old.subscription_id not in (None, line.id):
        return False
    if not repository.swap_sim(
        session, subscription_id=line.id, old_iccid=new_iccid, iccid=old_iccid, imsi=old.imsi
    ):
        return False
    # Unbind the new card first: a card is bound to one line at most, and a line to one card.
    inventory_service.set_sim_status(
        session, org_id=line.org_id, iccid=new_iccid, status=SimStatus.DISPONIBLE, now=now
    )
    inventory_service.bind_sim(
        session, org_id=line.org_id, iccid=old_iccid, subscription_id=line.id
    )
    awaiting_activation = line.status_id == SubscriptionStatus.PENDIENTE_ALTA
    inventory_service.set_sim_status(
        session,
        org_id=line.org_id,
        iccid=old_iccid,
        status=SimStatus.RESERVADA if awaiting_activation else SimStatus.ACTIVA,
        now=now,
    )
    session.flush()
    return True


def restore_blocks(
    session: Session, *, line: Subscription, block_ids: Sequence[int], actor: str, now: datetime
) -> None:
    """Blocks that were lifted (rows ``block_ids``) are in force again: new rows, BLOQUEADO."""
    lifted = repository.blocks(session, subscription_id=line.id, ids=block_ids)
    in_force = {row.block_id for row in repository.open_blocks(session, subscription_id=line.id)}
    for row in lifted:
        if row.block_id in in_force:
            continue
        in_force.add(row.block_id)
        session.add(
            SubscriptionBlock(
                subscription_id=line.id,
                block_id=row.block_id,
                reason=row.reason,
                start_at=now,
                end_at=None,
                modified_by=actor,
            )
        )
    if in_force and line.status_id == SubscriptionStatus.ACTIVO:
        move_status(
            session, subscription=line, target=SubscriptionStatus.BLOQUEADO, actor=actor, now=now
        )
    session.flush()


def get(session: Session, *, org_id: int, subscription_id: int) -> Subscription | None:
    return repository.get_subscription(session, org_id=org_id, subscription_id=subscription_id)


def live_by_number(session: Session, *, org_id: int, number: str) -> Subscription | None:
    return repository.live_by_number(session, org_id=org_id, number=number)


def of_account(session: Session, *, account_id: int) -> list[Subscription]:
    return list(repository.of_account(session, account_id=account_id))


def record_recharge(
    session: Session,
    *,
    org_id: int,
    subscription_id: int,
    amount: Decimal,
    movement_type_id: int,
    origin_id: int,
    recharged_at: datetime,
) -> Recharge:
    """A balance movement of a prepaid line (what ``GET .../recharge/detail`` lists).

    ``movement_type_id`` and ``origin_id`` are master-data ids (``movement_types``,
    ``recharge_origins``); refunds and penalties are negative amounts, zero is refused.
    """
    subscription = repository.get_subscription(
        session, org_id=org_id, subscription_id=subscription_id
    )
    if subscription is None:
        raise NotFound(f"subscription {subscription_id} not found")
    if subscription.type_id != SubscriptionType.PREPAID_MOBILE:
        raise NotPrepaid(f"subscriptionId: subscription {subscription_id} is not a prepaid line")
    master_data.require(MasterDataList.MOVEMENT_TYPES, movement_type_id, field="movement_type_id")
    master_data.require(MasterDataList.RECHARGE_ORIGINS, origin_id, field="origin_id")
    if amount == 0:
        raise ValidationFailed("amount: a recharge moves a non-zero amount")
    recharge = Recharge(
        org_id=org_id,
        subscription_id=subscription_id,
        amount=amount,
        movement_type_id=movement_type_id,
        origin_id=origin_id,
        recharged_at=recharged_at,
    )
    session.add(recharge)
    session.flush()
    return recharge
