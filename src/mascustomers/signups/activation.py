"""PATCH signups/activate-sim: the shipped SIM reached the customer; the line goes live."""

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.errors import DomainError, ErrorCode, NotFound
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import SimStatus
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.states import (
    IllegalStatusChange,
    Origin,
    SubscriptionStatus,
    SubscriptionType,
)


class SimAlreadyActive(DomainError):
    error = ErrorCode.SIM_ALREADY_ACTIVE


def activate_sim(session: Session, *, caller: Caller, msisdn: str) -> None:
    subscription = subscriptions_service.live_by_number(
        session, org_id=caller.org_id, number=msisdn
    )
    if subscription is None or not SubscriptionType(subscription.type_id).is_mobile:
        raise NotFound(f"no live mobile line with number {msisdn}")
    status = SubscriptionStatus(subscription.status_id)
    if status == SubscriptionStatus.ACTIVO:
        raise SimAlreadyActive(f"msisdn: the SIM of line {msisdn} is already active")
    if (
        status == SubscriptionStatus.PENDIENTE_ALTA
        and subscription.origin_id == Origin.PORTABILIDAD
    ):
        raise IllegalStatusChange(
            f"msisdn: line {msisdn} is ported in and activates on its portability date"
        )
    subscriptions_service.move_status(
        session,
        subscription=subscription,
        target=SubscriptionStatus.ACTIVO,
        actor=caller.actor,
        now=caller.now,
    )
    if subscription.iccid is not None:
        inventory_service.set_sim_status(
            session,
            org_id=caller.org_id,
            iccid=subscription.iccid,
            status=SimStatus.ACTIVA,
            now=caller.now,
        )
