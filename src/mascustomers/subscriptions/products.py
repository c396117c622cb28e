"""PATCH subscriptions/{id}/products: changing a line's tariff, now or on a date.

Rules, in order (each refusal writes nothing):

1. the line is live and decided (``SubscriptionNotLive``);
2. the main mobile line of a bundle changes tariff only through a bundle migration
   (``BundledMainLine``, the reference's "bundled main line products can not be changed");
3. ``productId`` is in the current product's ``compatible_product_ids``
   (``ProductNotCompatible``), is sold with the account's billing type (``ProductNotSellable``)
   and, on a bundled line, is one the bundle allows for the line's role — additional, extra,
   fixed, TV, OTT (``BundleDoesNotAllow``, as when lines are added to the bundle);
4. ``scheduled_date``, when given, is after today in the org's time zone.

Then the risk decision: ``a`` → 201 and the change is applied now, or stored as a PENDING
``PRODUCT_CHANGE`` scheduled operation due at the start of ``scheduled_date`` (shown under
``product.scheduled`` until it runs — all its fields are null when nothing is pending, as the
reference's example shows; a newer change replaces it and it becomes CANCELLED, with its work
order); ``r`` / ``n/a`` → 202 and the change waits in a HELD sell, not applied;
``x`` → 202 and only the rejected sell is stored. Every accepted or held change opens a
CAMBIO TARIFA work order.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.accounts.errors import BundleDoesNotAllow
from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.kit.clock import start_of_day
from mascustomers.models import Account, ScheduledOperation, Sell, Subscription, WorkOrder
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
from mascustomers.risk import service as risk_service
from mascustomers.risk.policy import RiskDecision
from mascustomers.scheduler import queue
from mascustomers.subscriptions import repository
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.errors import BundledMainLine, ProductNotCompatible
from mascustomers.subscriptions.line_changes import (
    cancel_order,
    line_account,
    load_line,
    open_order,
    require_changeable,
    require_future,
)
from mascustomers.subscriptions.reads import PRODUCT_CHANGE, catalogue_product
from mascustomers.subscriptions.schemas import ProductChange
from mascustomers.subscriptions.states import SubscriptionType
from mascustomers.workorders.states import WorkOrderType
from mascustomers.workorders.undo import TariffUndo


def change_product(
    session: Session, *, caller: Caller, subscription_id: int, body: ProductChange
) -> RiskDecision:
    """Check the change, decide risk, then apply, schedule or hold it."""
    tz = caller.tz
    line = load_line(session, caller=caller, subscription_id=subscription_id, lock=True)
    account = _check_change(session, caller=caller, line=line, body=body)
    assessment = risk_service.decide(session, caller=caller, customer_id=account.customer_id)
    uow = UnitOfWork(session)
    sell = risk_service.record_sell(
        uow,
        caller=caller,
        kind=PRODUCT_CHANGE,
        customer_id=account.customer_id,
        account_id=account.id,
        assessment=assessment,
        request={
            "subscription_id": line.id,
            "product_id": body.product_id,
            "scheduled_date": body.scheduled_date.isoformat() if body.scheduled_date else None,
        },
    )
    decision = assessment.decision
    if decision == RiskDecision.REJECTED:
        return decision
    held = decision != RiskDecision.APPROVED
    undo = TariffUndo(
        from_product_id=line.product_id,
        to_product_id=body.product_id,
        services={
            row.service_id: row.active
            for row in repository.services_of(session, subscription_id=line.id)
        },
    )
    order = open_order(
        uow,
        caller=caller,
        subscription=line,
        sell=sell,
        type=WorkOrderType.CAMBIO_TARIFA,
        held=held,
        scheduled_date=body.scheduled_date,
        undo=undo,
    )
    if held:
        return decision
    cancel_pending(session, caller=caller, line=line, reason="replaced by a newer product change")
    if body.scheduled_date is None:
        apply_tariff_change(
            session, line=line, product_id=body.product_id, actor=caller.actor, now=caller.now
        )
    else:
        operation = _schedule(
            session, caller=caller, line=line, body=body, tz=tz, sell=sell, order=order
        )
        # Cancelling the order withdraws the operation while it is pending.
        order.undo = undo.model_copy(update={"scheduled_operation_id": operation.id}).doc()
        session.flush()
        outbox.emit(session, EventType.SUBSCRIPTION_PRODUCT_CHANGE_SCHEDULED, line, at=caller.now)
    return decision


def _check_change(
    session: Session, *, caller: Caller, line: Subscription, body: ProductChange
) -> Account:
    """Rules 1-4 of the module docstring; the line's account."""
    require_changeable(line)
    if line.mobile_line_type == "main" and line.account_bundle_id is not None:
        raise BundledMainLine(
            f"subscriptionId: subscription {line.id} is the main line of a bundle; "
            "migrate the bundle to change its product"
        )
    account = line_account(session, subscription=line)
    _check_target(session, line=line, billing_type_id=account.billing_type_id, body=body)
    if body.scheduled_date is not None:
        require_future(body.scheduled_date, today=caller.today, field="scheduled_date")
    return account


def _schedule(
    session: Session,
    *,
    caller: Caller,
    line: Subscription,
    body: ProductChange,
    tz: str,
    sell: Sell,
    order: WorkOrder,
) -> ScheduledOperation:
    assert body.scheduled_date is not None
    return queue.schedule(
        session,
        org_id=line.org_id,
        kind=PRODUCT_CHANGE,
        subscription_id=line.id,
        account_id=line.account_id,
        payload={"product_id": body.product_id, "sell_id": sell.id, "work_order_id": order.id},
        due_at=start_of_day(body.scheduled_date, tz),
        now=caller.now,
        actor=caller.actor,
    )


def _check_target(
    session: Session, *, line: Subscription, billing_type_id: int, body: ProductChange
) -> None:
    target = catalog_service.product(
        session, org_id=line.org_id, product_id=body.product_id, field="productId"
    )
    current = catalogue_product(session, org_id=line.org_id, product_id=line.product_id)
    allowed = current.compatible_product_ids if current else []
    if target.product_id == line.product_id or target.product_id not in allowed:
        raise ProductNotCompatible(
            f"productId: product {target.product_id} is not a compatible change from product "
            f"{line.product_id}",
            product_id=target.product_id,
        )
    catalog_service.product(
        session,
        org_id=line.org_id,
        product_id=body.product_id,
        field="productId",
        billing_type_id=billing_type_id,
    )
    if line.account_bundle_id is not None:
        _check_bundle_role(session, line=line, product_id=target.product_id)


def _component(line: Subscription, components: dict[str, object]) -> str | None:
    """The bundle component a line's product comes from (``None``: the bundle does not say)."""
    if line.mobile_line_type == "extra" and "extra_mobile" in components:
        return "extra_mobile"
    if line.mobile_line_type in ("additional", "extra"):
        return "additional_mobile"
    line_type = SubscriptionType(line.type_id)
    if line_type in (SubscriptionType.LANDLINE, SubscriptionType.FTTH, SubscriptionType.ADSL):
        return "fixed"
    if line_type == SubscriptionType.TV:
        return "tv"
    if line_type in (SubscriptionType.OTT, SubscriptionType.NETFLIX):
        return "ott"
    return None


def _check_bundle_role(session: Session, *, line: Subscription, product_id: int) -> None:
    account_bundle = repository.account_bundle(
        session, account_bundle_id=line.account_bundle_id or 0
    )
    if account_bundle is None:
        return
    bundle = catalog_service.bundle(
        session, org_id=line.org_id, bundle_id=account_bundle.bundle_id, field="productId"
    )
    component = _component(line, bundle.components)
    if component is None:
        return
    allowed = [int(i) for i in bundle.components.get(component, [])]
    if product_id not in allowed:
        raise BundleDoesNotAllow(
            f"productId: product {product_id} is not a {component} product of bundle "
            f"{bundle.bundle_id}",
            product_id=product_id,
        )


def cancel_pending(session: Session, *, caller: Caller, line: Subscription, reason: str) -> None:
    """A newer change supersedes the pending scheduled one: CANCELLED, its work order too."""
    for operation in queue.pending(session, subscription_id=line.id, kind=PRODUCT_CHANGE):
        queue.cancel(operation, reason=reason, now=caller.now)
        order_id = operation.payload.get("work_order_id")
        if isinstance(order_id, int):
            cancel_order(
                session, order_id=order_id, actor=caller.actor, reason=reason, now=caller.now
            )
    session.flush()


def apply_tariff_change(
    session: Session,
    *,
    line: Subscription,
    product_id: int,
    actor: str,
    now: datetime,
    reason: str = "CAMBIO_TARIFA",
) -> None:
    """Close the current tariff, open the new one, and align the line's services with it."""
    subscriptions_service.switch_product(
        session, line=line, product_id=product_id, reason=reason, actor=actor, now=now
    )
