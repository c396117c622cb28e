"""PATCH subscriptions/{id}/sim-replacement: the line moves to a new SIM card.

Rules, in order (a refusal writes nothing):

1. a mobile line (``NotAMobileLine``), live and decided (``SubscriptionNotLive``);
2. while a theft or loss block is in force, only in a shop (``BlockedLineNeedsShop``, see
   ``blocks``);
3. no other replacement of the line waiting for its risk decision (``SimReplacementPending``);
4. ``new_icc`` is 19-20 digits with a valid Luhn digit (400) and free in the inventory
   (``SimNotAvailable``, 0017). Without ``new_icc`` the new SIM is shipped (``logistic``
   true) and taken from stock; a shop replacement (``logistic`` false) must name it.

Risk (``risk.service.decide`` with ``sim_replacement_subscription_id``): ``r`` when the line
already had the policy's number of completed replacements in the last 30 days.

- ``a`` → 201: the line's ``iccid``/``imsi`` become the new SIM's; the new SIM is bound to the
  line, ACTIVA (RESERVADA while the line's first SIM is still to be activated); the old SIM is
  SUSTITUIDA; blocks in force are lifted; a CAMBIO SIM work order and a SIM_REPLACEMENT contract
  are created.
- ``r`` / ``n/a`` → 202: the sell is HELD, the new SIM reserved for it, the work order
  PENDIENTE RIESGO; the line keeps its SIM until the decision.
- ``x`` → 202: only the rejected sell is stored.

Every outcome stores a ``SIM_REPLACEMENT`` sell with the caller's origin IP and the request
(``{"subscription_id": …, "new_icc": …}``), which is what the 30-day count reads.

Concurrency: the swap is one guarded UPDATE that needs the line to still have the SIM it had
when the request read it, and a new SIM is taken with a guarded UPDATE too (plus the unique
index on the live ``iccid``). Two replacements working from the same state — concurrent
requests on PostgreSQL — so end with exactly one applied; the other fails with
``SimReplacementConflict`` (or ``SimNotAvailable`` when both asked for the same SIM) and its
transaction writes nothing. SQLite serializes writing requests, so there the second one
simply sees the first's result.
"""

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.service import ContractTerms
from mascustomers.auth.caller import Caller
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.errors import ValidationFailed
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import SimStatus
from mascustomers.models import Account, SimCard, Subscription
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
from mascustomers.risk import service as risk_service
from mascustomers.risk.policy import RiskDecision
from mascustomers.subscriptions import repository
from mascustomers.subscriptions.blocks import lift_blocks, require_shop_if_blocked
from mascustomers.subscriptions.errors import SimReplacementConflict, SimReplacementPending
from mascustomers.subscriptions.line_changes import (
    line_account,
    load_line,
    open_order,
    require_changeable,
    require_mobile,
)
from mascustomers.subscriptions.schemas import SimReplacement
from mascustomers.subscriptions.states import SubscriptionStatus
from mascustomers.workorders.states import WorkOrderType
from mascustomers.workorders.undo import SimUndo

SIM_REPLACEMENT = "SIM_REPLACEMENT"


def replace_sim(
    session: Session, *, caller: Caller, subscription_id: int, body: SimReplacement
) -> RiskDecision:
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    _check(session, caller=caller, line=line, body=body)
    account = line_account(session, subscription=line)
    assessment = risk_service.decide(
        session,
        caller=caller,
        customer_id=account.customer_id,
        sim_replacement_subscription_id=line.id,
    )
    decision = assessment.decision
    request = {"subscription_id": line.id, "old_icc": line.iccid, **body.model_dump(mode="json")}
    sim = None
    if decision != RiskDecision.REJECTED:
        sim = inventory_service.reserve_sim(
            session, org_id=caller.org_id, iccid=body.new_icc, now=caller.now, field="new_icc"
        )
        request["new_icc"] = sim.iccid
    uow = UnitOfWork(session)
    sell = risk_service.record_sell(
        uow,
        caller=caller,
        kind=SIM_REPLACEMENT,
        customer_id=account.customer_id,
        account_id=account.id,
        assessment=assessment,
        request=request,
        sales=body,
    )
    if sim is None:
        return decision
    held = decision != RiskDecision.APPROVED
    undo = None if held else _swap(session, caller=caller, line=line, account=account, sim=sim)
    open_order(
        uow,
        caller=caller,
        subscription=line,
        sell=sell,
        type=WorkOrderType.CAMBIO_SIM,
        held=held,
        undo=undo,
    )
    return decision


def _check(session: Session, *, caller: Caller, line: Subscription, body: SimReplacement) -> None:
    require_mobile(line)
    require_changeable(line)
    require_shop_if_blocked(session, line=line, shop_id=body.shop_id)
    if repository.held_sells(
        session, org_id=caller.org_id, kind=SIM_REPLACEMENT, subscription_id=line.id
    ):
        raise SimReplacementPending(
            f"subscriptionId: a SIM replacement of subscription {line.id} awaits its risk decision"
        )
    if body.new_icc is None and not body.logistic:
        raise ValidationFailed("new_icc: a replacement in a shop (logistic false) names the SIM")


def _swap(
    session: Session, *, caller: Caller, line: Subscription, account: Account, sim: SimCard
) -> SimUndo:
    """Point the line at the new SIM, retire the old one, lift blocks, store the contract."""
    old_iccid = line.iccid
    if not repository.swap_sim(
        session, subscription_id=line.id, old_iccid=old_iccid, iccid=sim.iccid, imsi=sim.imsi
    ):
        raise SimReplacementConflict(
            f"subscriptionId: the SIM of subscription {line.id} was replaced meanwhile"
        )
    if old_iccid is not None:
        inventory_service.set_sim_status(
            session,
            org_id=line.org_id,
            iccid=old_iccid,
            status=SimStatus.SUSTITUIDA,
            now=caller.now,
        )
    inventory_service.bind_sim(
        session, org_id=line.org_id, iccid=sim.iccid, subscription_id=line.id
    )
    awaiting_activation = line.status_id == SubscriptionStatus.PENDIENTE_ALTA
    inventory_service.set_sim_status(
        session,
        org_id=line.org_id,
        iccid=sim.iccid,
        status=SimStatus.RESERVADA if awaiting_activation else SimStatus.ACTIVA,
        now=caller.now,
    )
    outbox.emit(
        session,
        EventType.SUBSCRIPTION_SIM_REPLACED,
        line,
        at=caller.now,
        previous={"iccid": old_iccid},
    )
    lifted = lift_blocks(session, line=line, actor=caller.actor, now=caller.now)
    contract = accounts_service.add_contract(
        session,
        account=account,
        terms=ContractTerms(
            signature_config=SIM_REPLACEMENT,
            signature_type=None,
            process_id=None,
            subscription_id=line.id,
            iccid=sim.iccid,
        ),
        now=caller.now,
    )
    return SimUndo(
        old_iccid=old_iccid, new_iccid=sim.iccid, lifted_block_ids=lifted, contract_id=contract.id
    )
