"""All SQL about computed penalties, their lines and the commitments they charge."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.orm import Session

from mascustomers.catalog.statuses import SubscriptionStatus, WorkOrderStatus
from mascustomers.db.repository import for_update as locking
from mascustomers.models import (
    Account,
    Commitment,
    ComputedPenalty,
    OrgCatalogue,
    PenaltyLine,
    Subscription,
    WorkOrder,
    WorkOrderSubscription,
)

CONFIRMED = "CONFIRMED"
COMPUTED = "COMPUTED"
_OPEN_ORDER = (
    WorkOrderStatus.PENDIENTE_RIESGO,
    WorkOrderStatus.PENDIENTE_CREAR_OT,
    WorkOrderStatus.EN_CURSO,
)
_PENDING_LINE = (
    SubscriptionStatus.PENDIENTE_ALTA,
    SubscriptionStatus.PENDIENTE_INSTALACION,
    SubscriptionStatus.PENDIENTE_RIESGO,
)


def subscription_by_uuid(session: Session, *, org_id: int, uuid: str) -> Subscription | None:
    return session.scalars(
        select(Subscription).where(Subscription.org_id == org_id, Subscription.uuid == uuid)
    ).one_or_none()


def open_commitments(
    session: Session, *, account_id: int
) -> Sequence[tuple[Commitment, str | None]]:
    """The account's commitments not cancelled and not on an ended line, with the line's UUID."""
    rows = session.execute(
        select(Commitment, Subscription.uuid)
        .outerjoin(Subscription, Subscription.id == Commitment.subscription_id)
        .where(
            Commitment.account_id == account_id,
            Commitment.cancelled_at.is_(None),
            or_(Commitment.subscription_id.is_(None), Subscription.ended_at.is_(None)),
        )
        .order_by(Commitment.id)
    ).all()
    return [(commitment, uuid) for commitment, uuid in rows]


def charged_commitments(
    session: Session, *, uuids: Collection[str], excluding_penalty_id: int | None = None
) -> set[str]:
    """Which of these commitments a confirmed penalty already charges."""
    if not uuids:
        return set()
    query = (
        select(PenaltyLine.commitment_uuid)
        .join(ComputedPenalty, ComputedPenalty.id == PenaltyLine.computed_penalty_id)
        .where(
            ComputedPenalty.status == CONFIRMED,
            PenaltyLine.confirmed.is_(True),
            PenaltyLine.commitment_uuid.in_(list(uuids)),
        )
    )
    if excluding_penalty_id is not None:
        query = query.where(ComputedPenalty.id != excluding_penalty_id)
    return {uuid for uuid in session.scalars(query) if uuid is not None}


def open_orders_with_pending_lines(session: Session, *, account_id: int) -> Sequence[str]:
    """Work-order numbers of the account's open orders that still have a line to provision."""
    pending = exists().where(
        WorkOrderSubscription.work_order_id == WorkOrder.id,
        Subscription.id == WorkOrderSubscription.subscription_id,
        Subscription.status_id.in_([int(s) for s in _PENDING_LINE]),
    )
    return session.scalars(
        select(WorkOrder.work_order_id)
        .where(
            WorkOrder.account_id == account_id,
            WorkOrder.status_id.in_([int(s) for s in _OPEN_ORDER]),
            pending,
        )
        .order_by(WorkOrder.id)
    ).all()


def catalogue_document(session: Session, *, org_id: int) -> dict[str, Any] | None:
    row = session.get(OrgCatalogue, org_id)
    return None if row is None else row.document


def get_computed_penalty(
    session: Session, *, org_id: int, penalty_id: int, for_update: bool = False
) -> ComputedPenalty | None:
    query = select(ComputedPenalty).where(
        ComputedPenalty.id == penalty_id, ComputedPenalty.org_id == org_id
    )
    if for_update:
        # Read again under the lock: the object may have been loaded before it was taken.
        query = locking(session, query).execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def confirmable(
    session: Session, *, account_id: int, subscription_id: int | None, reason: str
) -> Sequence[ComputedPenalty]:
    """COMPUTED penalties of one account, line (None: the account's) and reason, newest first."""
    line = (
        ComputedPenalty.subscription_id.is_(None)
        if subscription_id is None
        else ComputedPenalty.subscription_id == subscription_id
    )
    return session.scalars(
        select(ComputedPenalty)
        .where(
            ComputedPenalty.account_id == account_id,
            line,
            ComputedPenalty.reason == reason,
            ComputedPenalty.status == COMPUTED,
        )
        .order_by(ComputedPenalty.id.desc())
    ).all()


def lock_account(session: Session, *, account_id: int) -> None:
    """Serialize confirmations of one account's penalties (PostgreSQL row lock)."""
    session.execute(locking(session, select(Account.id).where(Account.id == account_id)))


def lines_of(session: Session, *, computed_penalty_id: int) -> Sequence[PenaltyLine]:
    return session.scalars(
        select(PenaltyLine)
        .where(PenaltyLine.computed_penalty_id == computed_penalty_id)
        .order_by(PenaltyLine.id)
    ).all()


def close_commitments(
    session: Session,
    *,
    subscription_ids: Collection[int] = (),
    account_bundle_ids: Collection[int] = (),
    terminal_ids: Collection[int] = (),
    now: datetime,
) -> None:
    """End the open commitments of these lines, the bundle-level ones of these bundles and
    those of these terminals."""
    conditions: list[ColumnElement[bool]] = []
    if terminal_ids:
        conditions.append(Commitment.subscription_terminal_id.in_(list(terminal_ids)))
    if subscription_ids:
        conditions.append(Commitment.subscription_id.in_(list(subscription_ids)))
    if account_bundle_ids:
        conditions.append(
            and_(
                Commitment.subscription_id.is_(None),
                Commitment.account_bundle_id.in_(list(account_bundle_ids)),
            )
        )
    if not conditions:
        return
    session.execute(
        update(Commitment)
        .where(Commitment.cancelled_at.is_(None), or_(*conditions))
        .values(cancelled_at=now)
    )
