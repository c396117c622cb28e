"""POST signups/subscriptions: add mobile lines (additional/extra) or TV to a convergent account."""

from sqlalchemy.orm import Session

from mascustomers.accounts.errors import BundleDoesNotAllow
from mascustomers.auth.caller import Caller
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.models import CatalogueBundle
from mascustomers.outbox import changes as events
from mascustomers.risk import service as risk_service
from mascustomers.risk.policy import RiskDecision
from mascustomers.signups.bundle_lines import check_component, store_tv
from mascustomers.signups.context import OrderContext
from mascustomers.signups.convergent_account import context_for, load_convergent_account
from mascustomers.signups.lines import store_mobile_line
from mascustomers.signups.schemas import AddedTv, AddLinesCreate, Tv
from mascustomers.signups.service import financed_amount
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.states import SubscriptionType
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType


def add_lines(session: Session, *, caller: Caller, body: AddLinesCreate) -> RiskDecision:
    """Store the new lines on the account's bundle; ``x`` stores only the rejected sell."""
    target = load_convergent_account(session, caller=caller, account_id=body.account.account_id)
    wanted = body.account.subscriptions
    devices = [d for line in wanted.mobile_lines for d in line.devices]
    assessment = risk_service.decide(
        session,
        caller=caller,
        customer_id=target.customer.id,
        financed_amount=financed_amount(devices),
    )
    uow = UnitOfWork.order(session)
    sell = risk_service.record_sell(
        uow,
        caller=caller,
        kind="ADD_LINES",
        request=body.model_dump(mode="json"),
        assessment=assessment,
        sales=body.sales_info,
        customer_id=target.customer.id,
        account_id=target.account.id,
    )
    if assessment.decision == RiskDecision.REJECTED:
        events.order_decided(session, sell=sell, decision="x", now=caller.now)
        return assessment.decision
    ctx = context_for(
        uow,
        caller=caller,
        target=target,
        sell=sell,
        held=assessment.decision != RiskDecision.APPROVED,
        sales=body.sales_info,
    )
    live = [
        s
        for s in subscriptions_service.of_account(session, account_id=target.account.id)
        if s.ended_at is None
    ]
    _check_room(target.bundle, [s.mobile_line_type for s in live], len(wanted.mobile_lines))
    for index, line in enumerate(wanted.mobile_lines):
        field = f"account.subscriptions.mobile_lines[{index}]"
        component = (
            "extra_mobile"
            if line.type == "extra" and target.bundle.components.get("extra_mobile")
            else "additional_mobile"
        )
        check_component(target.bundle, component, line.product_id, f"{field}.product_id")
        store_mobile_line(ctx, line, field=field, mobile_line_type=line.type)
    if wanted.tv is not None:
        if any(s.type_id == SubscriptionType.TV for s in live):
            raise BundleDoesNotAllow("account.subscriptions.tv: the account already has TV")
        store_tv(ctx, target.bundle, _as_tv(wanted.tv), None, field="account.subscriptions.tv")
    _finish(ctx, tv_only=not wanted.mobile_lines)
    events.order_decided(session, sell=sell, decision=assessment.decision.value, now=caller.now)
    return assessment.decision


def _check_room(bundle: CatalogueBundle, line_types: list[str | None], adding: int) -> None:
    maximum = int(bundle.components.get("max_additional_lines", 0))
    present = sum(1 for t in line_types if t in ("additional", "extra"))
    if present + adding > maximum:
        raise BundleDoesNotAllow(
            f"account.subscriptions.mobile_lines: bundle {bundle.bundle_id} allows {maximum} "
            f"additional lines and the account has {present}"
        )


def _as_tv(tv: AddedTv) -> Tv:
    return Tv.model_validate(tv.model_dump())


def _finish(ctx: OrderContext, *, tv_only: bool) -> None:
    ctx.add_contract(
        signature_config="TV" if tv_only else "BUNDLE_ADDLINE",
        signature_type=ctx.sale.signature_type,
        process_id=ctx.sale.signature_process_id,
        account_bundle_id=ctx.account_bundle.id if ctx.account_bundle else None,
        subscription_id=ctx.subscription_ids[0] if ctx.subscription_ids else None,
    )
    workorders_service.open_work_order(
        ctx.uow,
        org_id=ctx.org_id,
        account_id=ctx.account.id,
        sell_id=ctx.sell.id,
        type=WorkOrderType.AMPLIACION,
        status=WorkOrderStatus.PENDIENTE_RIESGO if ctx.held else WorkOrderStatus.PENDIENTE_CREAR_OT,
        subscription_ids=ctx.subscription_ids,
        installation=None,
        actor=ctx.actor,
        now=ctx.now,
    )
    ctx.finish()
