"""Storing the lines of an order: numbers, SIMs, products, bonuses, promotions, devices."""

from dataclasses import replace
from typing import Any

from mascustomers.accounts.promotions import apply_promotion
from mascustomers.catalog import service as catalog_service
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import SimStatus
from mascustomers.kit.clock import start_of_day
from mascustomers.models import (
    ScheduledOperation,
    Subscription,
    SubscriptionBonus,
)
from mascustomers.scheduler import queue
from mascustomers.signups.context import OrderContext
from mascustomers.signups.schemas import MobileLine, PromotionRef, SubscriptionInfo
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.bonus_periods import end_after, end_operation
from mascustomers.subscriptions.devices import (
    TERMINAL_ACTIVE,
    TERMINAL_PENDING_RISK,
    DeviceSale,
    sell_device,
)
from mascustomers.subscriptions.devices import device_sale as device_sale_of
from mascustomers.subscriptions.schemas import DeviceOrder
from mascustomers.subscriptions.service import NewLine
from mascustomers.subscriptions.states import Origin, SubscriptionStatus, SubscriptionType


def mobile_type(billing_type_id: int) -> SubscriptionType:
    return (
        SubscriptionType.PREPAID_MOBILE
        if billing_type_id == 2
        else SubscriptionType.POSTPAID_MOBILE
    )


def device_sale(
    ctx: OrderContext, device: DeviceOrder, field: str, request_type: str
) -> DeviceSale:
    item = catalog_service.device(
        ctx.session,
        org_id=ctx.org_id,
        catalogue_id=device.device_details.catalogue_id,
        field=f"{field}.catalogue_id",
    )
    return replace(device_sale_of(device, item), request_type=request_type)


def store_mobile_line(
    ctx: OrderContext, line: MobileLine, *, field: str, mobile_line_type: str | None
) -> Subscription:
    """Number (pool or ported), SIM (shop or shipped), product, extras and devices of a line."""
    product = catalog_service.product(
        ctx.session,
        org_id=ctx.org_id,
        product_id=line.product_id,
        field=f"{field}.product_id",
        billing_type_id=ctx.billing_type_id,
    )
    ported = line.portability_info is not None
    msisdn = _take_number(ctx, line, field=field)
    sim = inventory_service.reserve_line_sim(
        ctx.session, org_id=ctx.org_id, iccid=line.iccid, now=ctx.now, field=f"{field}.iccid"
    )
    status = _first_status(ctx, line)
    subscription = subscriptions_service.create(
        ctx.uow,
        org_id=ctx.org_id,
        account_id=ctx.account.id,
        account_bundle_id=ctx.account_bundle.id if ctx.account_bundle else None,
        sell_id=ctx.sell.id,
        line=NewLine(
            type=mobile_type(ctx.billing_type_id),
            product_id=product.product_id,
            status=status,
            origin=Origin.PORTABILIDAD if ported else Origin.NUEVA,
            user_id=ctx.user_for(line.msisdn).id,
            identification_nr=msisdn,
            iccid=sim.iccid,
            imsi=sim.imsi,
            mobile_line_type=mobile_line_type,
            service_ids=tuple(product.service_ids),
            details=_line_details(line),
        ),
        dealer_id=ctx.sale.dealer_id,
        shop_id=ctx.sale.shop_id,
        actor=ctx.actor,
        now=ctx.now,
    )
    # Bound when the order writes its lines (the line may not be written yet).
    ctx.line_numbers.append((msisdn, subscription.id))
    ctx.line_sims.append((sim.iccid, subscription.id))
    if status == SubscriptionStatus.ACTIVO:
        inventory_service.set_sim_status(
            ctx.session, org_id=ctx.org_id, iccid=sim.iccid, status=SimStatus.ACTIVA, now=ctx.now
        )
    if line.portability_info is not None and not ctx.held:
        schedule(ctx, "PORTABILITY_WINDOW", subscription, line.portability_info.scheduled_date, {})
    add_bonuses(ctx, subscription, [b.id for b in line.bonuses], field=f"{field}.bonuses")
    add_promotions(
        ctx, subscription, line.promotions, levels=("subscription",), field=f"{field}.promotions"
    )
    terminal_id = _sell_devices(ctx, line, subscription, field=field)
    record(ctx, subscription, msisdn=msisdn, terminal_id=terminal_id)
    return subscription


def _line_details(line: MobileLine) -> dict[str, Any] | None:
    """What the line keeps of its order: its portability and where its SIM is shipped."""
    details: dict[str, Any] = {}
    if line.portability_info is not None:
        details["portability"] = line.portability_info.model_dump(mode="json")
    if line.delivery_info is not None:
        details["delivery"] = line.delivery_info.model_dump(mode="json")
    return details or None


def _take_number(ctx: OrderContext, line: MobileLine, *, field: str) -> str:
    """The line's number: the ported-in one, registered, or one of the pool (the one asked
    for, else any free one), reserved."""
    if line.portability_info is not None:
        assert line.msisdn is not None
        inventory_service.register_ported_number(
            ctx.session, org_id=ctx.org_id, msisdn=line.msisdn, now=ctx.now, field=f"{field}.msisdn"
        )
        return line.msisdn
    return inventory_service.reserve_number(
        ctx.session, org_id=ctx.org_id, msisdn=line.msisdn, now=ctx.now, field=f"{field}.msisdn"
    )


def _first_status(ctx: OrderContext, line: MobileLine) -> SubscriptionStatus:
    """Held by risk; else live at once with a SIM handed in the shop (not ported); else
    waiting for the shipped SIM or the portability window."""
    if ctx.held:
        return SubscriptionStatus.PENDIENTE_RIESGO
    if line.iccid is not None and line.portability_info is None:
        return SubscriptionStatus.ACTIVO
    return SubscriptionStatus.PENDIENTE_ALTA


def _sell_devices(
    ctx: OrderContext, line: MobileLine, subscription: Subscription, *, field: str
) -> int | None:
    """The line's devices, each with its TERMINAL contract; the last terminal's id."""
    terminal_id = None
    for index, device in enumerate(line.devices):
        sale = device_sale(ctx, device, f"{field}.devices[{index}].device_details", "captacion")
        terminal = sell_device(
            ctx.uow,
            subscription=subscription,
            sale=sale,
            sell_id=ctx.sell.id,
            status_id=TERMINAL_PENDING_RISK if ctx.held else TERMINAL_ACTIVE,
            now=ctx.now,
            today=ctx.today,
        )
        terminal_id = terminal.id
        ctx.add_contract(
            signature_config="TERMINAL",
            signature_type=device.signature_type or ctx.sale.signature_type,
            process_id=device.signature_process_id or ctx.sale.signature_process_id,
            subscription_id=subscription.id,
            subscription_terminal_id=terminal.id,
        )
    return terminal_id


def record(
    ctx: OrderContext,
    subscription: Subscription,
    *,
    msisdn: str | None = None,
    fixed_number: str | None = None,
    terminal_id: int | None = None,
) -> None:
    ctx.subscription_ids.append(subscription.id)
    ctx.lines.append(subscription)
    ctx.created.append(
        SubscriptionInfo(
            type=subscription.type_id,
            subscription_id=subscription.id,
            user_info_id=subscription.user_id,
            msisdn=msisdn,
            fixed_number=fixed_number,
            associated_number=subscription.associated_number,
            subscription_terminal_id=terminal_id,
        )
    )


def add_bonuses(
    ctx: OrderContext, subscription: Subscription, bonus_ids: list[int], *, field: str
) -> None:
    for index, bonus_id in enumerate(bonus_ids):
        bonus = catalog_service.bonus_for(
            ctx.session,
            org_id=ctx.org_id,
            bonus_id=bonus_id,
            product_id=subscription.product_id,
            field=f"{field}[{index}].id",
        )
        end = end_after(ctx.now, bonus.duration_days, ctx.tz)
        ctx.uow.append(
            SubscriptionBonus,
            subscription_id=subscription.id,
            bonus_id=bonus.bonus_id,
            start_at=ctx.now,
            end_at=end,
            created_at=ctx.now,
        )
        if end is not None:
            ctx.uow.append(
                ScheduledOperation,
                **end_operation(
                    org_id=ctx.org_id,
                    subscription_id=subscription.id,
                    account_id=subscription.account_id,
                    bonus_id=bonus.bonus_id,
                    end=end,
                    now=ctx.now,
                    actor=ctx.actor,
                ),
            )


def add_promotions(
    ctx: OrderContext,
    subscription: Subscription | None,
    promotions: list[PromotionRef],
    *,
    levels: tuple[str, ...],
    field: str,
) -> None:
    """Apply each promotion at its own level (subscription; bundle or account on bundles)."""
    for index, ref in enumerate(promotions):
        promotion = catalog_service.promotion_for(
            ctx.session,
            org_id=ctx.org_id,
            promotion_id=ref.id,
            levels=levels,
            product_id=subscription.product_id if subscription else None,
            field=f"{field}[{index}].id",
        )
        apply_promotion(
            ctx.uow,
            org_id=ctx.org_id,
            promotion=promotion,
            account_id=ctx.account.id,
            account_bundle_id=(
                ctx.account_bundle.id
                if ctx.account_bundle and promotion.level != "account"
                else None
            ),
            subscription_id=subscription.id if subscription else None,
            value=ref.value,
            start=ctx.now,
            start_date=ctx.today,
        )


def schedule(
    ctx: OrderContext, kind: str, subscription: Subscription, day: Any, payload: dict[str, Any]
) -> None:
    """A dated operation for the scheduler; dates run at the start of the org's day."""
    ctx.uow.append(
        ScheduledOperation,
        **queue.operation_values(
            org_id=ctx.org_id,
            kind=kind,
            subscription_id=subscription.id,
            account_id=subscription.account_id,
            payload=payload,
            due_at=start_of_day(day, ctx.tz),
            now=ctx.now,
            actor=ctx.actor,
        ),
    )
