"""Computed penalties: compute and store (GET), confirm (PUT), delete (DELETE).

What each reason charges (one line per open commitment, ``computation`` says how much):

- account ``unsubscribe``: every open commitment of the account (its live lines' and the
  bundle- and account-level ones);
- account ``cancel``: ``ADMCOSTCANCELCOST`` once per open work order that still has a line
  to provision (what ``change-order`` CANCEL would charge);
- line ``broadband_subscription`` (fixed lines: landline, FTTH, ADSL): the line's commitments
  and those of its bundle, which does not survive without its access;
- line ``device``: the line's terminal commitments;
- line ``mobile`` (mobile lines): the line's commitments;
- line without a reason (the UUID operation has none in the reference): inferred from the
  line's type — fixed → ``broadband_subscription``, mobile → ``mobile``, else the line's own
  commitments.

A commitment already charged by a confirmed penalty is not computed again, and confirming
a penalty whose commitment another confirmed penalty charges is refused.

Polling does not pile up computations: a computation of an account, line (or the whole
account) and reason whose lines are exactly those of the newest still-unconfirmed one of
the same account, line and reason answers with it (same ids); otherwise it is stored and
every earlier unconfirmed one of that account, line and reason becomes SUPERSEDED (kept,
``superseded_by_id`` naming the newer one; confirming it answers 400 ``0096``). So at most one
computation per account, line and reason is confirmable, and the table grows only when
the answer changes (the pro-rata amounts change once a day).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.errors import NotFound
from mascustomers.inventory.states import YOIGO_HOST_CFG
from mascustomers.models import Account, Commitment, ComputedPenalty, PenaltyLine, Subscription
from mascustomers.outbox import service as outbox
from mascustomers.outbox.types import EventType
from mascustomers.penalties import repository
from mascustomers.penalties.computation import (
    CommitmentTerms,
    PenaltyItem,
    admin_cancel_cost,
    admin_cancel_penalty,
    permanence_penalties,
)
from mascustomers.penalties.errors import (
    PenaltyAlreadyCharged,
    PenaltyAlreadyInvoiced,
    PenaltyLineUnknown,
    PenaltyReasonNotApplicable,
)
from mascustomers.penalties.states import (
    INFERRED_LINE_REASON,
    ORDER_CANCELLATION_REASON,
    AccountReason,
    LineReason,
    PenaltyStatus,
    check_confirm,
    check_delete,
)
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.states import SubscriptionType

# The reference's ``mobile_operator_id``: the network whose lines are charged (YOIGO, host 1).
MOBILE_OPERATOR_ID = YOIGO_HOST_CFG
# Broadband lines: the fixed access (fibre, ADSL) and the landline that comes with it.
FIXED_LINES = frozenset({SubscriptionType.LANDLINE, SubscriptionType.FTTH, SubscriptionType.ADSL})


@dataclass(frozen=True)
class StoredPenalty:
    penalty: ComputedPenalty
    lines: list[PenaltyLine]


def compute_for_account(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    reason: AccountReason,
    now: datetime,
    today: date,
) -> StoredPenalty:
    """The penalties of unsubscribing or cancelling the whole account, stored as COMPUTED."""
    account = _account(session, org_id=org_id, account_id=account_id)
    if reason is AccountReason.UNSUBSCRIBE:
        items = _permanence(session, account_id=account.id, on=today, keep=lambda _: True)
    else:
        cost = admin_cancel_cost(repository.catalogue_document(session, org_id=org_id))
        orders = repository.open_orders_with_pending_lines(session, account_id=account.id)
        found = (admin_cancel_penalty(cost, order_reference=order) for order in orders)
        items = [item for item in found if item is not None]
    return _computed(
        session,
        org_id=org_id,
        account_id=account.id,
        subscription_id=None,
        reason=reason.value,
        items=items,
        now=now,
    )


def compute_for_line(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    subscription_id: int | None = None,
    subscription_uuid: str | None = None,
    reason: LineReason | None,
    now: datetime,
    today: date,
) -> StoredPenalty:
    """The penalties of one line of the account (by id or UUID), stored as COMPUTED."""
    account = _account(session, org_id=org_id, account_id=account_id)
    if subscription_uuid is not None:
        line = repository.subscription_by_uuid(session, org_id=org_id, uuid=subscription_uuid)
        label = subscription_uuid
    else:
        assert subscription_id is not None
        line = subscriptions_service.get(session, org_id=org_id, subscription_id=subscription_id)
        label = str(subscription_id)
    if line is None or line.account_id != account.id:
        raise NotFound(f"subscription {label} not found in account {account_id}")
    stored_reason, items = line_penalties(session, line=line, reason=reason, on=today)
    return _computed(
        session,
        org_id=org_id,
        account_id=account.id,
        subscription_id=line.id,
        reason=stored_reason,
        items=items,
        now=now,
    )


def line_penalties(
    session: Session, *, line: Subscription, reason: LineReason | None, on: date
) -> tuple[str, list[PenaltyItem]]:
    """The reason as stored and the lines owed for ``line`` on day ``on``."""
    kind = SubscriptionType(line.type_id)
    if reason is None:
        if kind in FIXED_LINES:
            reason = LineReason.BROADBAND_SUBSCRIPTION
        elif kind.is_mobile:
            reason = LineReason.MOBILE
    if reason is LineReason.BROADBAND_SUBSCRIPTION and kind not in FIXED_LINES:
        raise PenaltyReasonNotApplicable(
            f"reason: subscription {line.id} is {kind.label}, not a broadband line"
        )
    if reason is LineReason.MOBILE and not kind.is_mobile:
        raise PenaltyReasonNotApplicable(
            f"reason: subscription {line.id} is {kind.label}, not a mobile line"
        )
    keep = _commitment_filter(line, reason)
    items = _permanence(session, account_id=line.account_id, on=on, keep=keep)
    return (reason.value if reason else INFERRED_LINE_REASON), items


def _commitment_filter(
    line: Subscription, reason: LineReason | None
) -> Callable[[Commitment], bool]:
    def own(commitment: Commitment) -> bool:
        return commitment.subscription_id == line.id

    if reason is LineReason.DEVICE:
        return lambda c: own(c) and c.associated_type == "terminal"
    if reason is LineReason.BROADBAND_SUBSCRIPTION and line.account_bundle_id is not None:
        bundle_id = line.account_bundle_id
        return lambda c: own(c) or (c.subscription_id is None and c.account_bundle_id == bundle_id)
    return own


def _permanence(
    session: Session, *, account_id: int, on: date, keep: Callable[[Commitment], bool]
) -> list[PenaltyItem]:
    rows = [
        (c, uuid)
        for c, uuid in repository.open_commitments(session, account_id=account_id)
        if keep(c)
    ]
    charged = repository.charged_commitments(session, uuids=[c.uuid for c, _ in rows])
    terms = [_terms(c, uuid) for c, uuid in rows if c.uuid not in charged]
    return permanence_penalties(terms, on)


def _terms(commitment: Commitment, subscription_uuid: str | None) -> CommitmentTerms:
    return CommitmentTerms(
        commitment_uuid=commitment.uuid,
        associated_type=commitment.associated_type,
        months=commitment.months,
        start_date=commitment.start_date,
        end_date=commitment.end_date,
        penalty_amount=commitment.penalty_amount,
        subscription_id=commitment.subscription_id,
        subscription_uuid=subscription_uuid,
        applied_promotion_id=commitment.applied_promotion_id,
        promotion_id=commitment.promotion_id,
        subscription_terminal_id=commitment.subscription_terminal_id,
    )


def _account(session: Session, *, org_id: int, account_id: int) -> Account:
    account = accounts_service.get_account(session, org_id=org_id, account_id=account_id)
    if account is None:
        raise NotFound(f"account {account_id} not found")
    return account


def _computed(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    subscription_id: int | None,
    reason: str,
    items: Sequence[PenaltyItem],
    now: datetime,
) -> StoredPenalty:
    """The newest unconfirmed computation if it says the same, else a new one superseding it."""
    # Two computations (or a confirmation) of one account at once queue up here.
    repository.lock_account(session, account_id=account_id)
    earlier = repository.confirmable(
        session, account_id=account_id, subscription_id=subscription_id, reason=reason
    )
    if earlier:
        lines = list(repository.lines_of(session, computed_penalty_id=earlier[0].id))
        if _same_lines(lines, items):
            _supersede(earlier[1:], by=earlier[0], now=now)
            return StoredPenalty(penalty=earlier[0], lines=lines)
    stored = _store(
        session,
        org_id=org_id,
        account_id=account_id,
        subscription_id=subscription_id,
        reason=reason,
        items=items,
        now=now,
    )
    _supersede(earlier, by=stored.penalty, now=now)
    return stored


def _supersede(penalties: Sequence[ComputedPenalty], *, by: ComputedPenalty, now: datetime) -> None:
    for penalty in penalties:
        penalty.status = PenaltyStatus.SUPERSEDED
        penalty.superseded_by_id = by.id
        penalty.superseded_at = now


def _line_key(item: PenaltyItem | PenaltyLine) -> tuple[object, ...]:
    return (
        str(item.type),
        item.value,
        item.description[:200],
        item.mandatory,
        item.subscription_id,
        item.subscription_uuid,
        item.commitment_uuid,
        item.applied_promotion_id,
        item.promotion_id,
        item.subscription_terminal_id,
        item.start_date,
        item.end_date,
    )


def _same_lines(lines: Sequence[PenaltyLine], items: Sequence[PenaltyItem]) -> bool:
    return [_line_key(line) for line in lines] == [_line_key(item) for item in items]


def _store(
    session: Session,
    *,
    org_id: int,
    account_id: int,
    subscription_id: int | None,
    reason: str,
    items: Sequence[PenaltyItem],
    now: datetime,
    confirmed: bool = False,
) -> StoredPenalty:
    penalty = ComputedPenalty(
        org_id=org_id,
        account_id=account_id,
        subscription_id=subscription_id,
        reason=reason,
        status=PenaltyStatus.CONFIRMED if confirmed else PenaltyStatus.COMPUTED,
        mobile_operator_id=MOBILE_OPERATOR_ID,
        computed_at=now,
        confirmed_at=now if confirmed else None,
    )
    session.add(penalty)
    session.flush()
    lines = [
        PenaltyLine(
            computed_penalty_id=penalty.id,
            type=item.type.value,
            value=item.value,
            description=item.description[:200],
            mandatory=item.mandatory,
            subscription_id=item.subscription_id,
            subscription_uuid=item.subscription_uuid,
            commitment_uuid=item.commitment_uuid,
            applied_promotion_id=item.applied_promotion_id,
            promotion_id=item.promotion_id,
            subscription_terminal_id=item.subscription_terminal_id,
            start_date=item.start_date,
            end_date=item.end_date,
            confirmed=confirmed,
        )
        for item in items
    ]
    session.add_all(lines)
    session.flush()
    stored = StoredPenalty(penalty=penalty, lines=lines)
    if confirmed:
        outbox.emit(session, EventType.PENALTY_CONFIRMED, stored, at=now)
    return stored


def confirm(
    session: Session,
    *,
    org_id: int,
    computed_penalty_id: int,
    line_ids: Sequence[int] | None,
    now: datetime,
) -> StoredPenalty:
    """COMPUTED → CONFIRMED; with ``line_ids`` only those lines (and every mandatory one)."""
    found = repository.get_computed_penalty(session, org_id=org_id, penalty_id=computed_penalty_id)
    if found is None:
        raise NotFound(f"computed penalty {computed_penalty_id} not found")
    # Two penalties of the account confirmed (or computed) at once must not both charge a
    # commitment; the account is locked before the penalty, as a computation does.
    repository.lock_account(session, account_id=found.account_id)
    penalty = _penalty(session, org_id=org_id, penalty_id=computed_penalty_id)
    check_confirm(PenaltyStatus(penalty.status), penalty.id, superseded_by=penalty.superseded_by_id)
    lines = list(repository.lines_of(session, computed_penalty_id=penalty.id))
    if line_ids:
        unknown = sorted(set(line_ids) - {line.id for line in lines})
        if unknown:
            raise PenaltyLineUnknown(
                f"penalties: {', '.join(map(str, unknown))} not in computed penalty {penalty.id}"
            )
    chosen = [line for line in lines if not line_ids or line.id in line_ids or line.mandatory]
    charged = repository.charged_commitments(
        session,
        uuids=[line.commitment_uuid for line in chosen if line.commitment_uuid],
        excluding_penalty_id=penalty.id,
    )
    if charged:
        raise PenaltyAlreadyCharged(
            f"commitments {', '.join(sorted(charged))} are already charged by a confirmed penalty"
        )
    for line in chosen:
        line.confirmed = True
    penalty.status = PenaltyStatus.CONFIRMED
    penalty.confirmed_at = now
    session.flush()
    stored = StoredPenalty(penalty=penalty, lines=lines)
    outbox.emit(session, EventType.PENALTY_CONFIRMED, stored, at=now)
    return stored


def delete(
    session: Session, *, org_id: int, computed_penalty_id: int, now: datetime
) -> StoredPenalty:
    """CONFIRMED → DELETED, withdrawing its lines; refused once a line is invoiced."""
    penalty = _penalty(session, org_id=org_id, penalty_id=computed_penalty_id)
    check_delete(PenaltyStatus(penalty.status), penalty.id)
    lines = list(repository.lines_of(session, computed_penalty_id=penalty.id))
    invoiced = [line.id for line in lines if line.invoice_id is not None]
    if invoiced:
        raise PenaltyAlreadyInvoiced(
            f"computed penalty {penalty.id}: lines {', '.join(map(str, invoiced))} are invoiced"
        )
    for line in lines:
        line.confirmed = False
    penalty.status = PenaltyStatus.DELETED
    penalty.deleted_at = now
    session.flush()
    stored = StoredPenalty(penalty=penalty, lines=lines)
    outbox.emit(session, EventType.PENALTY_DELETED, stored, at=now)
    return stored


def withdrawal_refused(session: Session, *, org_id: int, computed_penalty_id: int) -> str | None:
    """Why a confirmed penalty can no longer be withdrawn (a line is invoiced); None if it can."""
    penalty = _penalty(session, org_id=org_id, penalty_id=computed_penalty_id)
    if penalty.status != PenaltyStatus.CONFIRMED:
        return None
    lines = repository.lines_of(session, computed_penalty_id=penalty.id)
    invoiced = [str(line.id) for line in lines if line.invoice_id is not None]
    if invoiced:
        return f"computed penalty {penalty.id}: lines {', '.join(invoiced)} are invoiced"
    return None


def withdraw(session: Session, *, org_id: int, computed_penalty_id: int, now: datetime) -> None:
    """Delete the penalty if it is still confirmed (one deleted already stays as it is)."""
    penalty = _penalty(session, org_id=org_id, penalty_id=computed_penalty_id)
    if penalty.status == PenaltyStatus.CONFIRMED:
        delete(session, org_id=org_id, computed_penalty_id=penalty.id, now=now)


def _penalty(session: Session, *, org_id: int, penalty_id: int) -> ComputedPenalty:
    penalty = repository.get_computed_penalty(
        session, org_id=org_id, penalty_id=penalty_id, for_update=True
    )
    if penalty is None:
        raise NotFound(f"computed penalty {penalty_id} not found")
    return penalty


def charge_order_cancellation(
    session: Session, *, org_id: int, account_id: int, order_reference: str, now: datetime
) -> StoredPenalty | None:
    """The confirmed ``ADMCOSTCANCELCOST`` of cancelling one order; None when it is free."""
    cost = admin_cancel_cost(repository.catalogue_document(session, org_id=org_id))
    item = admin_cancel_penalty(cost, order_reference=order_reference)
    if item is None:
        return None
    return _store(
        session,
        org_id=org_id,
        account_id=account_id,
        subscription_id=None,
        reason=ORDER_CANCELLATION_REASON,
        items=[item],
        now=now,
        confirmed=True,
    )


def charge_line_termination(
    session: Session, *, org_id: int, line: Subscription, on: date, now: datetime
) -> StoredPenalty:
    """Compute and confirm at once what ending ``line`` on day ``on`` owes (back office)."""
    reason, items = line_penalties(session, line=line, reason=None, on=on)
    return _store(
        session,
        org_id=org_id,
        account_id=line.account_id,
        subscription_id=line.id,
        reason=reason,
        items=items,
        now=now,
        confirmed=True,
    )


def close_commitments(
    session: Session,
    *,
    subscription_ids: Sequence[int] = (),
    account_bundle_ids: Sequence[int] = (),
    terminal_ids: Sequence[int] = (),
    now: datetime,
) -> None:
    """End the commitments of ended lines (of ended bundles, of void terminal sales): nothing
    more is owed."""
    repository.close_commitments(
        session,
        subscription_ids=subscription_ids,
        account_bundle_ids=account_bundle_ids,
        terminal_ids=terminal_ids,
        now=now,
    )
