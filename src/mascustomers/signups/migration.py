"""POST signups/migration: move an account bundle to another bundle of the catalogue.

Every live line must land on a product the new bundle allows: the destination given in the
request, else its current product when the new bundle still allows it, else (main line and
fixed access only) the new bundle's first product of that component. An additional or extra
line with neither is refused, naming the line.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.service import ContractTerms
from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import DomainError, ErrorCode
from mascustomers.models import CatalogueBundle, Sell, Subscription
from mascustomers.outbox import changes as events
from mascustomers.risk import service as risk_service
from mascustomers.risk.policy import RiskDecision
from mascustomers.signups.bundle_lines import allowed
from mascustomers.signups.convergent_account import ConvergentAccount, load_convergent_account
from mascustomers.signups.schemas import MigrationCreate
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.states import SubscriptionType
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType
from mascustomers.workorders.undo import MigrationUndo


class MigrationNotAllowed(DomainError):
    error = ErrorCode.MIGRATION_NOT_ALLOWED


_COMPONENT = {
    SubscriptionType.FTTH: "fixed",
    SubscriptionType.ADSL: "fixed",
    SubscriptionType.LANDLINE: "fixed",
    SubscriptionType.TV: "tv",
    SubscriptionType.OTT: "ott",
    SubscriptionType.NETFLIX: "ott",
}


def migrate(session: Session, *, caller: Caller, body: MigrationCreate) -> RiskDecision:
    target = load_convergent_account(session, caller=caller, account_id=body.account.account_id)
    new_bundle = catalog_service.bundle(
        session,
        org_id=caller.org_id,
        bundle_id=body.account.new_bundle_id,
        field="account.new_bundle_id",
    )
    if new_bundle.bundle_id not in target.bundle.allowed_migration_ids:
        raise MigrationNotAllowed(
            f"account.new_bundle_id: bundle {target.bundle.bundle_id} "
            f"cannot migrate to {new_bundle.bundle_id}"
        )
    live = target_lines(session, target)
    plan = {s.id: _destination(session, caller.org_id, s, new_bundle, body) for s in live}
    assessment = risk_service.decide(session, caller=caller, customer_id=target.customer.id)
    uow = UnitOfWork(session)
    sell = risk_service.record_sell(
        uow,
        caller=caller,
        kind="MIGRATION",
        request=body.model_dump(mode="json"),
        assessment=assessment,
        sales=body.sales_info,
        customer_id=target.customer.id,
        account_id=target.account.id,
    )
    if assessment.decision != RiskDecision.APPROVED:
        # Held or rejected: nothing moves until a risk review approves the sell.
        events.order_decided(session, sell=sell, decision=assessment.decision.value, now=caller.now)
        return assessment.decision
    _move(
        uow,
        caller=caller,
        body=body,
        target=target,
        new_bundle=new_bundle,
        plan=plan,
        sell=sell,
        live=live,
    )
    events.order_decided(session, sell=sell, decision=assessment.decision.value, now=caller.now)
    return assessment.decision


def _move(
    uow: UnitOfWork,
    *,
    caller: Caller,
    body: MigrationCreate,
    target: ConvergentAccount,
    new_bundle: CatalogueBundle,
    plan: dict[int, int],
    sell: Sell,
    live: list[Subscription],
) -> None:
    """The lines (``plan``: each one's product) to a new account bundle, with their contract
    and the MIGRACION work order that records what cancelling it restores."""
    session = uow.session
    old_bundle = target.account_bundle
    old_bundle.ended_at = caller.now
    account_bundle = accounts_service.open_bundle(
        uow,
        account=target.account,
        bundle_id=new_bundle.bundle_id,
        territory_owner=old_bundle.territory_owner,
        installation=old_bundle.installation,
        status_id=old_bundle.status_id,
        now=caller.now,
    )
    # What each line had: cancelling the migration's work order puts it back.
    products = {s.id: (s.product_id, plan[s.id]) for s in live}
    _join(session, live, account_bundle_id=account_bundle.id, plan=plan, now=caller.now)
    contract = accounts_service.add_contract(
        session,
        account=target.account,
        terms=ContractTerms(
            signature_config="BUNDLE_MIGRATION",
            signature_type=body.sales_info.signature_type if body.sales_info else None,
            process_id=body.sales_info.signature_process_id if body.sales_info else None,
            account_bundle_id=account_bundle.id,
        ),
        now=caller.now,
    )
    workorders_service.open_work_order(
        uow,
        org_id=caller.org_id,
        account_id=target.account.id,
        sell_id=sell.id,
        type=WorkOrderType.MIGRACION,
        status=WorkOrderStatus.PENDIENTE_CREAR_OT,
        subscription_ids=[s.id for s in live],
        installation=None,
        actor=caller.actor,
        now=caller.now,
        undo=MigrationUndo(
            from_account_bundle_id=old_bundle.id,
            to_account_bundle_id=account_bundle.id,
            products=products,
            contract_id=contract.id,
        ),
    )


def _join(
    session: Session,
    lines: list[Subscription],
    *,
    account_bundle_id: int,
    plan: dict[int, int],
    now: datetime,
) -> None:
    """The lines into the new account bundle, each on the product the plan gives it."""
    for subscription in lines:
        subscription.account_bundle_id = account_bundle_id
        if plan[subscription.id] != subscription.product_id:
            subscriptions_service.start_tariff_period(
                session,
                subscription=subscription,
                product_id=plan[subscription.id],
                reason="MIGRACION",
                now=now,
            )


def target_lines(session: Session, target: ConvergentAccount) -> list[Subscription]:
    """The live lines of the account's current bundle."""
    return [
        line
        for line in subscriptions_service.of_account(session, account_id=target.account.id)
        if line.ended_at is None and line.account_bundle_id == target.account_bundle.id
    ]


def _requested(subscription: Subscription, body: MigrationCreate) -> int | None:
    wanted = body.account.subscriptions
    if wanted is None:
        return None
    for line in wanted.mobile_lines:
        if line.subscription_id == subscription.id:
            return line.product_id
    by_type = {
        SubscriptionType.FTTH: wanted.ftth,
        SubscriptionType.ADSL: wanted.adsl,
        SubscriptionType.LANDLINE: wanted.landline,
        SubscriptionType.TV: wanted.tv,
    }
    fixed = by_type.get(SubscriptionType(subscription.type_id))
    return fixed.product_id if fixed else None


def _destination(
    session: Session,
    org_id: int,
    subscription: Subscription,
    bundle: CatalogueBundle,
    body: MigrationCreate,
) -> int:
    kind = SubscriptionType(subscription.type_id)
    if kind.is_mobile:
        line_type = subscription.mobile_line_type or "additional"
        component = {"main": "main_mobile", "extra": "extra_mobile"}.get(
            line_type, "additional_mobile"
        )
        if not bundle.components.get(component):
            component = "additional_mobile"
    else:
        component = _COMPONENT.get(kind, "ott")
    # A component may mix line types (fixed: FTTH and landline); keep those of this line's type.
    choices = [
        product_id
        for product_id in allowed(bundle, component)
        if catalog_service.product(
            session, org_id=org_id, product_id=product_id, field="account.new_bundle_id"
        ).subscription_type_id
        == subscription.type_id
    ]
    requested = _requested(subscription, body)
    number = kind.line_number(subscription.identification_nr, subscription.associated_number)
    name = f"line {subscription.id} ({number or kind.label})"
    if requested is not None:
        if requested not in choices:
            raise MigrationNotAllowed(
                f"account.subscriptions: product {requested} for {name} is not a {component} "
                f"product of bundle {bundle.bundle_id}"
            )
        return requested
    if subscription.product_id in choices:
        return subscription.product_id
    if component in ("main_mobile", "fixed", "tv") and choices:
        return choices[0]
    raise MigrationNotAllowed(
        f"account.subscriptions.mobile_lines: {name} needs a destination product in bundle "
        f"{bundle.bundle_id} (its product {subscription.product_id} is not allowed there)"
    )
