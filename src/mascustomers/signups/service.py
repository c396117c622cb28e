"""POST signups: customer → account → bundle and lines → work order, in one transaction."""

from decimal import Decimal

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.states import AccountStatus
from mascustomers.auth.caller import Caller
from mascustomers.catalog import service as catalog_service
from mascustomers.customers import service as customers_service
from mascustomers.customers.errors import CustomerMismatch
from mascustomers.customers.schemas import ClientAttributes
from mascustomers.db.base import Base
from mascustomers.db.ids import send_reservation_ahead
from mascustomers.db.pipelining import until_commit
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.models import Account, AccountBundle, Customer, Sell, User, WorkOrder
from mascustomers.outbox import changes as events
from mascustomers.risk import service as risk_service
from mascustomers.risk.policy import Assessment, RiskDecision
from mascustomers.sequences import next_values, numbers_at_commit
from mascustomers.signups import order_parts
from mascustomers.signups.bundle_lines import store_bundle
from mascustomers.signups.context import OrderContext, SaleTerms
from mascustomers.signups.lines import store_mobile_line
from mascustomers.signups.schemas import AccountInfo, SignupCreate, SignupResult
from mascustomers.subscriptions.devices import financed_amount as financed
from mascustomers.subscriptions.schemas import DeviceOrder
from mascustomers.workorders import service as workorders_service
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType


def all_devices(body: SignupCreate) -> list[DeviceOrder]:
    lines = []
    if body.products.mobile_line is not None:
        lines.append(body.products.mobile_line)
    if body.products.bundle is not None:
        lines.extend(body.products.bundle.mobile_lines)
    return [device for line in lines for device in line.devices]


def financed_amount(devices: list[DeviceOrder]) -> Decimal:
    plans = [d.fees.installment_plan for d in devices if d.fees.installment_plan is not None]
    return sum(
        (financed(p.monthly_fee, p.duration, p.last_installment_fee) for p in plans), Decimal("0")
    )


def create_signup(session: Session, *, caller: Caller, body: SignupCreate) -> SignupResult:
    """Sign a customer up; a rejected (``x``) order stores only its sell.

    Reads first, writes after them (``db.pipelining``): the catalogue items the order names,
    then its other reads sent together and answered in one round trip; from there to the
    COMMIT its writes go out in one run, which its claims and counters join.
    """
    catalogue = order_parts.preload_catalogue(session, org_id=caller.org_id, products=body.products)
    until_commit(session)
    _send_reads_ahead(session, caller=caller, body=body)
    existing = customers_service.find_customer(
        session, org_id=caller.org_id, person=body.clients.owner
    )
    assessment = _assess(session, caller=caller, body=body, existing=existing)
    if assessment.decision == RiskDecision.REJECTED:
        sell = _record_sell(UnitOfWork(session), caller, body, assessment, customer=None)
        events.order_decided(session, sell=sell, decision="x", now=caller.now)
        return SignupResult(
            sell_id=sell.id,
            customer_id=None,
            work_order_id=None,
            account_info=None,
            risk_decision="x",
        )
    # Every id the order needs, in one statement: its rows are written without flushes.
    uow = UnitOfWork.order(session, reserve=_ids_needed(body, existing))
    ctx = _open(
        uow,
        caller=caller,
        body=body,
        existing=existing,
        assessment=assessment,
        catalogue=catalogue,
    )
    _add_line_users(ctx, body)
    _store_products(ctx, body)
    order = _close(ctx)
    events.order_decided(
        session,
        sell=ctx.sell,
        decision=assessment.decision.value,
        now=caller.now,
        work_order_id=order.work_order_id,
    )
    return SignupResult(
        sell_id=ctx.sell.id,
        customer_id=ctx.customer.id,
        work_order_id=order.work_order_id,
        account_info=AccountInfo(
            account_id=ctx.account.id,
            account_number=ctx.account.account_number,
            bundle_id=ctx.account_bundle.bundle_id if ctx.account_bundle else None,
            subscriptions=ctx.created,
        ),
        risk_decision=assessment.decision.value,
    )


def _assess(
    session: Session, *, caller: Caller, body: SignupCreate, existing: Customer | None
) -> Assessment:
    scoring = body.payment.scoring
    return risk_service.decide(
        session,
        caller=caller,
        customer_id=existing.id if existing else None,
        scoring_value=scoring.scoring_value if scoring else None,
        credit_limit_available=scoring.credit_limit_available if scoring else None,
        financed_amount=financed_amount(all_devices(body)),
    )


def _record_sell(
    uow: UnitOfWork,
    caller: Caller,
    body: SignupCreate,
    assessment: Assessment,
    *,
    customer: Customer | None,
    account: Account | None = None,
) -> Sell:
    return risk_service.record_sell(
        uow,
        caller=caller,
        kind="SIGNUP",
        request=body.model_dump(mode="json"),
        assessment=assessment,
        customer_id=customer.id if customer else None,
        account_id=account.id if account else None,
        sales=body.sales_info,
    )


def _ids_needed(body: SignupCreate, existing: Customer | None) -> dict[type[Base], int]:
    """How many rows of each kind that others point at the order creates."""
    owner = body.clients.owner
    return order_parts.ids_needed(
        body.products,
        more={
            Customer: 0 if existing else 1,
            User: 0 if existing else customers_service.new_user_ids(owner),
            Account: 1,
            Sell: 1,
            AccountBundle: 1 if body.products.bundle is not None else 0,
            WorkOrder: 1,
        },
    )


def _open(
    uow: UnitOfWork,
    *,
    caller: Caller,
    body: SignupCreate,
    existing: Customer | None,
    assessment: Assessment,
    catalogue: list[object],
) -> OrderContext:
    """The customer (found or new), its account and the sell: the order the lines join."""
    owner, payment = body.clients.owner, body.payment
    held = assessment.decision != RiskDecision.APPROVED
    province = _tax_province(body, owner)
    tax_rule = catalog_service.tax_rule(uow.session, org_id=caller.org_id, state_id=province)
    card = payment.tpv_response.model_dump() if payment.tpv_response and not payment.info else None
    customer, owner_user = customers_service.find_or_create_customer(
        uow,
        org_id=caller.org_id,
        sector_id=body.clients.sector_id,
        owner=owner,
        now=caller.now,
        looked_up=True,
        found=existing,
    )
    account = accounts_service.open_account(
        uow,
        org_id=caller.org_id,
        customer_id=customer.id,
        owner_user_id=owner_user.id,
        billing_type_id=payment.billing_type_id,
        state_id=province,
        tax_rule=tax_rule,
        iban=payment.info.bank_account if payment.info else None,
        swift_bic=payment.info.swift_bic if payment.info else None,
        card=card,
        status=AccountStatus.PENDIENTE_RIESGO if held else AccountStatus.ACTIVO,
        now=caller.now,
    )
    sell = _record_sell(uow, caller, body, assessment, customer=customer, account=account)
    return OrderContext(
        uow=uow,
        caller=caller,
        held=held,
        billing_type_id=payment.billing_type_id,
        customer=customer,
        owner=owner_user,
        account=account,
        sell=sell,
        sale=SaleTerms.of(body.sales_info),
        catalogue=catalogue,
    )


def _store_products(ctx: OrderContext, body: SignupCreate) -> None:
    if body.products.bundle is not None:
        store_bundle(ctx, body.products.bundle, field="products.bundle")
    if body.products.mobile_line is not None:
        store_mobile_line(
            ctx, body.products.mobile_line, field="products.mobile_line", mobile_line_type=None
        )
        if body.products.bundle is None:
            ctx.add_contract(
                signature_config="SOLOMOVIL",
                signature_type=ctx.sale.signature_type,
                process_id=ctx.sale.signature_process_id,
                subscription_id=ctx.subscription_ids[-1],
            )


def _close(ctx: OrderContext) -> WorkOrder:
    """Write the order, number it and open its ALTA work order.

    Everything but what needs a counter is written before the first counter row is locked:
    concurrent signups wait on those rows until this one commits. The account's and the work
    order's numbers are taken as the order commits (``sequences.numbers_at_commit``): on
    PostgreSQL their rows are then locked only while the server runs the order's last
    statements, not for a round trip more (docs/performance.md (c)). A new landline's number
    is taken now: it shows in lines, answers and events written before then.
    """
    ctx.write()
    if ctx.fixed_number is not None:
        # In a statement that joins the run of the writes before it (``next_values``).
        taken = next_values(ctx.session, org_id=ctx.org_id, names=["fixed_number"])
        ctx.number_fixed_line(taken["fixed_number"])
    numbers = numbers_at_commit(
        ctx.session,
        org_id=ctx.org_id,
        formats={
            "account_number": accounts_service.ACCOUNT_NUMBER,
            "work_order": workorders_service.WORK_ORDER_NUMBER,
        },
    )
    accounts_service.number_account(
        ctx.uow, account=ctx.account, account_number=numbers["account_number"]
    )
    order = workorders_service.open_work_order(
        ctx.uow,
        org_id=ctx.org_id,
        account_id=ctx.account.id,
        sell_id=ctx.sell.id,
        type=WorkOrderType.ALTA,
        status=WorkOrderStatus.PENDIENTE_RIESGO if ctx.held else WorkOrderStatus.PENDIENTE_CREAR_OT,
        subscription_ids=ctx.subscription_ids,
        installation=ctx.account_bundle.installation if ctx.account_bundle else None,
        actor=ctx.actor,
        now=ctx.now,
        work_order_id=numbers["work_order"],
    )
    ctx.finish()
    return order


def _send_reads_ahead(session: Session, *, caller: Caller, body: SignupCreate) -> None:
    """The order's reads besides its catalogue items — the customer by document, the
    catalogue's hash, the tax rule, the ids a new customer's order reserves — sent together
    (``PreparedSelect.send_ahead``): the first of them to be used answers them all."""
    owner = body.clients.owner
    customers_service.send_find_customer_ahead(session, org_id=caller.org_id, person=owner)
    catalog_service.send_order_reads_ahead(
        session, org_id=caller.org_id, state_id=_province(body, owner)
    )
    send_reservation_ahead(session, _ids_needed(body, None))


def _tax_province(body: SignupCreate, owner: ClientAttributes) -> int:
    """The owner's province, else the bundle's installation province."""
    province = _province(body, owner)
    if province is None:
        raise CustomerMismatch(
            "clients.attributes[owner].address.state_id: the owner's province is needed for tax"
        )
    return province


def _province(body: SignupCreate, owner: ClientAttributes) -> int | None:
    if owner.address is not None and owner.address.state_id is not None:
        return owner.address.state_id
    bundle = body.products.bundle
    if bundle and bundle.installation_info and bundle.installation_info.address:
        return bundle.installation_info.address.state_id
    return None


def _add_line_users(ctx: OrderContext, body: SignupCreate) -> None:
    for index, person in enumerate(body.clients.attributes):
        if person.role != "line_user":
            continue
        field = f"clients.attributes[{index}]"
        if person.line_msisdn is None:
            raise CustomerMismatch(f"{field}.line_msisdn: a line user names the line it uses")
        ctx.line_users[person.line_msisdn] = customers_service.add_line_user(
            ctx.uow, customer=ctx.customer, person=person, field=field, now=ctx.now
        )
