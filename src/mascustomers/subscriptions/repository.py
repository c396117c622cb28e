"""All SQL about subscriptions: the lines, their histories and terminals as services change
them, and the hot line reads' typed column selects.

The line is read by primary key (and org) and joined, in the same statement, to what the read
shows beside it: its account's billing type, its catalogue product, its bundle's catalogue
name, its open tariff period and its first pending product change (correlated subqueries on
``ix_subscription_product_subscription_id`` and ``ix_scheduled_operation_subscription_id``),
or its bonuses (``ix_subscription_bonus_subscription_id``) with their catalogue names. Catalogue
rows are read by their (org, catalogue id) primary keys. Every statement is a
``db.prepared.PreparedSelect`` (built once, run straight on the driver in the session's
transaction): through the ORM, or even ``Connection.execute``, a select costs several times
the indexed read itself. A read takes one statement, two with the catalogue products.
"""

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from mascustomers.db.prepared import PreparedSelect
from mascustomers.db.repository import OrgRows
from mascustomers.models import (
    Account,
    AccountBundle,
    CatalogueBonus,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    Commitment,
    Recharge,
    ScheduledOperation,
    Sell,
    Subscription,
    SubscriptionBlock,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionService,
    SubscriptionStatusChange,
    SubscriptionTerminal,
)
from mascustomers.scheduler.states import OperationStatus

_LINES = OrgRows(Subscription)


def get_subscription(session: Session, *, org_id: int, subscription_id: int) -> Subscription | None:
    return _LINES.get(session, org_id=org_id, row_id=subscription_id)


def live_by_number(session: Session, *, org_id: int, number: str) -> Subscription | None:
    return session.scalars(
        _LINES.select(org_id).where(
            Subscription.identification_nr == number,
            Subscription.ended_at.is_(None),
        )
    ).first()


def of_account(session: Session, *, account_id: int) -> Sequence[Subscription]:
    return session.scalars(
        select(Subscription).where(Subscription.account_id == account_id).order_by(Subscription.id)
    ).all()


def current_product(session: Session, *, subscription_id: int) -> SubscriptionProduct | None:
    return session.scalars(
        select(SubscriptionProduct).where(
            SubscriptionProduct.subscription_id == subscription_id,
            SubscriptionProduct.ended_at.is_(None),
        )
    ).first()


def lock_line(session: Session, *, org_id: int, subscription_id: int) -> Subscription | None:
    """The line, row-locked on PostgreSQL so concurrent writers on it queue up."""
    return _LINES.get(session, org_id=org_id, row_id=subscription_id, lock=True)


def account_bundle(session: Session, *, account_bundle_id: int) -> AccountBundle | None:
    return session.get(AccountBundle, account_bundle_id)


def services_of(session: Session, *, subscription_id: int) -> Sequence[SubscriptionService]:
    return session.scalars(
        select(SubscriptionService)
        .where(SubscriptionService.subscription_id == subscription_id)
        .order_by(SubscriptionService.service_id)
    ).all()


def service_of(
    session: Session, *, subscription_id: int, service_id: int
) -> SubscriptionService | None:
    return session.scalars(
        select(SubscriptionService).where(
            SubscriptionService.subscription_id == subscription_id,
            SubscriptionService.service_id == service_id,
        )
    ).first()


def bonus_rows_open_after(
    session: Session,
    *,
    subscription_id: int,
    bonus_id: int,
    instant: datetime,
    before: datetime | None = None,
) -> Sequence[SubscriptionBonus]:
    """Rows of one bonus still in effect (or yet to start) at ``instant``; with ``before``,
    only those that start before it (the rows a period ``[instant, before)`` overlaps).

    Zero-length rows (removed before they started) never take effect: not among them.
    """
    query = select(SubscriptionBonus).where(
        SubscriptionBonus.subscription_id == subscription_id,
        SubscriptionBonus.bonus_id == bonus_id,
        or_(
            SubscriptionBonus.end_at.is_(None),
            and_(
                SubscriptionBonus.end_at > instant,
                SubscriptionBonus.end_at > SubscriptionBonus.start_at,
            ),
        ),
    )
    if before is not None:
        query = query.where(SubscriptionBonus.start_at < before)
    return session.scalars(query.order_by(SubscriptionBonus.start_at)).all()


def bonus_row_ending(
    session: Session, *, subscription_id: int, bonus_id: int, end: datetime
) -> SubscriptionBonus | None:
    """The row of one bonus of the line that ends at ``end`` and whose end is not carried out."""
    return session.scalars(
        select(SubscriptionBonus)
        .where(
            SubscriptionBonus.subscription_id == subscription_id,
            SubscriptionBonus.bonus_id == bonus_id,
            SubscriptionBonus.end_at == end,
            SubscriptionBonus.ended_by.is_(None),
        )
        .order_by(SubscriptionBonus.id)
    ).first()


def record_bonus_end(session: Session, *, bonus_row_id: int, actor: str) -> bool:
    """Mark the row's end carried out by ``actor``, once: False when it already was."""
    result = session.execute(
        update(SubscriptionBonus)
        .where(SubscriptionBonus.id == bonus_row_id, SubscriptionBonus.ended_by.is_(None))
        .values(ended_by=actor)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def open_blocks(session: Session, *, subscription_id: int) -> Sequence[SubscriptionBlock]:
    return session.scalars(
        select(SubscriptionBlock)
        .where(
            SubscriptionBlock.subscription_id == subscription_id,
            SubscriptionBlock.end_at.is_(None),
        )
        .order_by(SubscriptionBlock.block_id)
    ).all()


def blocks(
    session: Session, *, subscription_id: int, ids: Collection[int]
) -> Sequence[SubscriptionBlock]:
    """These block rows of the line (open or not)."""
    if not ids:
        return []
    return session.scalars(
        select(SubscriptionBlock)
        .where(
            SubscriptionBlock.subscription_id == subscription_id,
            SubscriptionBlock.id.in_(list(ids)),
        )
        .order_by(SubscriptionBlock.id)
    ).all()


def held_sells(session: Session, *, org_id: int, kind: str, subscription_id: int) -> Sequence[Sell]:
    return session.scalars(
        select(Sell).where(
            Sell.org_id == org_id,
            Sell.status == "HELD",
            Sell.kind == kind,
            Sell.request["subscription_id"].as_integer() == subscription_id,
        )
    ).all()


def swap_sim(
    session: Session, *, subscription_id: int, old_iccid: str | None, iccid: str, imsi: str
) -> bool:
    """Point the live line at another SIM, only if it still has ``old_iccid`` (lost race: False)."""
    guard = Subscription.iccid.is_(None) if old_iccid is None else Subscription.iccid == old_iccid
    result = session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_id, Subscription.ended_at.is_(None), guard)
        .values(iccid=iccid, imsi=imsi)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def recharges_between(
    session: Session, *, subscription_id: int, start: datetime, end: datetime
) -> Sequence[Recharge]:
    return session.scalars(
        select(Recharge)
        .where(
            Recharge.subscription_id == subscription_id,
            Recharge.recharged_at >= start,
            Recharge.recharged_at < end,
        )
        .order_by(Recharge.recharged_at, Recharge.id)
    ).all()


def terminals_of(session: Session, *, subscription_id: int) -> Sequence[SubscriptionTerminal]:
    return session.scalars(
        select(SubscriptionTerminal)
        .where(SubscriptionTerminal.subscription_id == subscription_id)
        .order_by(SubscriptionTerminal.id)
    ).all()


def terminal_of(
    session: Session, *, subscription_id: int, terminal_id: int
) -> SubscriptionTerminal | None:
    terminal = session.get(SubscriptionTerminal, terminal_id)
    return terminal if terminal and terminal.subscription_id == subscription_id else None


def terminal_commitments(session: Session, *, subscription_id: int) -> dict[int, Commitment]:
    """The live commitment of each of the line's terminals that has one."""
    rows = session.scalars(
        select(Commitment).where(
            Commitment.subscription_id == subscription_id,
            Commitment.subscription_terminal_id.is_not(None),
            Commitment.cancelled_at.is_(None),
        )
    ).all()
    return {row.subscription_terminal_id: row for row in rows if row.subscription_terminal_id}


def sells(session: Session, *, sell_ids: Iterable[int]) -> dict[int, Sell]:
    wanted = set(sell_ids)
    if not wanted:
        return {}
    return {sell.id: sell for sell in session.scalars(select(Sell).where(Sell.id.in_(wanted)))}


def catalogue_devices(
    session: Session, *, org_id: int, catalogue_ids: Iterable[int]
) -> dict[int, CatalogueDevice]:
    wanted = set(catalogue_ids)
    if not wanted:
        return {}
    rows = session.scalars(
        select(CatalogueDevice).where(
            CatalogueDevice.org_id == org_id, CatalogueDevice.catalogue_id.in_(wanted)
        )
    ).all()
    return {row.catalogue_id: row for row in rows}


# The hot reads.

_THIS_LINE = and_(Subscription.id == bindparam("subscription_id"), _LINES.prepared)


class LineRow(NamedTuple):
    id: int
    status_id: int
    type_id: int
    origin_id: int
    dealer_id: str | None
    shop_id: str | None
    contract_path: str | None
    contract_filename: str | None
    identification_nr: str | None
    associated_number: str | None
    imsi: str | None
    iccid: str | None
    sell_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None


_LINE = PreparedSelect(
    select(
        Subscription.id,
        Subscription.status_id,
        Subscription.type_id,
        Subscription.origin_id,
        Subscription.dealer_id,
        Subscription.shop_id,
        Subscription.contract_path,
        Subscription.contract_filename,
        Subscription.identification_nr,
        Subscription.associated_number,
        Subscription.imsi,
        Subscription.iccid,
        Subscription.sell_at,
        Subscription.activated_at,
        Subscription.ended_at,
    ).where(_THIS_LINE),
    LineRow,
)


def line(session: Session, *, org_id: int, subscription_id: int) -> LineRow | None:
    """The org's line (the detail's columns), or None."""
    return _LINE.first(session, subscription_id=subscription_id, org_id=org_id)


class StatusChangeRow(NamedTuple):
    status_id: int
    changed_at: datetime
    modified_by: str


_STATUS_HISTORY = PreparedSelect(
    select(
        SubscriptionStatusChange.status_id,
        SubscriptionStatusChange.changed_at,
        SubscriptionStatusChange.modified_by,
    )
    .where(SubscriptionStatusChange.subscription_id == bindparam("subscription_id"))
    .order_by(SubscriptionStatusChange.changed_at, SubscriptionStatusChange.id),
    StatusChangeRow,
)


def status_history(session: Session, *, subscription_id: int) -> list[StatusChangeRow]:
    """``(status_id, changed_at, modified_by)``, oldest first."""
    return _STATUS_HISTORY.all(session, subscription_id=subscription_id)


class LineBonusRow(NamedTuple):
    """The line and one of its bonus rows (bonus columns null: the line has none)."""

    id: int
    bonus_id: int | None
    start_at: datetime | None
    end_at: datetime | None
    name: str | None


_LINE_BONUSES = PreparedSelect(
    select(
        Subscription.id,
        SubscriptionBonus.bonus_id,
        SubscriptionBonus.start_at,
        SubscriptionBonus.end_at,
        CatalogueBonus.name,
    )
    .outerjoin(SubscriptionBonus, SubscriptionBonus.subscription_id == Subscription.id)
    .outerjoin(
        CatalogueBonus,
        and_(
            CatalogueBonus.org_id == Subscription.org_id,
            CatalogueBonus.bonus_id == SubscriptionBonus.bonus_id,
        ),
    )
    .where(_THIS_LINE)
    .order_by(SubscriptionBonus.start_at, SubscriptionBonus.id),
    LineBonusRow,
)


def line_bonuses(session: Session, *, org_id: int, subscription_id: int) -> list[LineBonusRow]:
    """``(id, bonus_id, start_at, end_at, name)`` per bonus row, by start; no rows: no line.

    A line without bonuses is one row whose bonus columns are null.
    """
    return _LINE_BONUSES.all(session, subscription_id=subscription_id, org_id=org_id)


# The open period's start: the newest, should there ever be two (max() needs no sort).
_current_started_at = (
    select(func.max(SubscriptionProduct.started_at))
    .where(
        SubscriptionProduct.subscription_id == Subscription.id,
        SubscriptionProduct.ended_at.is_(None),
    )
    .correlate(Subscription)
    .scalar_subquery()
)
_first_pending_change = (
    select(ScheduledOperation.id)
    .where(
        ScheduledOperation.subscription_id == Subscription.id,
        ScheduledOperation.kind == bindparam("change_kind"),
        # An expression, not the bare column: SQLite (no statistics) would otherwise walk
        # ix_scheduled_operation_due over every pending operation of every line.
        ScheduledOperation.status.concat("") == OperationStatus.PENDING.value,
    )
    .order_by(ScheduledOperation.due_at, ScheduledOperation.id)
    .limit(1)
    .correlate(Subscription)
    .scalar_subquery()
)


class LineProductRow(NamedTuple):
    id: int
    product_id: int
    account_bundle_id: int | None
    billing_type_id: int
    product_name: str | None
    compatible_product_ids: list[int] | None
    started_at: datetime | None
    bundle_id: int | None
    bundle_name: str | None
    change_requested_at: datetime | None
    change_due_at: datetime | None
    change_payload: dict[str, Any] | None


_LINE_PRODUCT = PreparedSelect(
    select(
        Subscription.id,
        Subscription.product_id,
        Subscription.account_bundle_id,
        Account.billing_type_id,
        CatalogueProduct.name.label("product_name"),
        CatalogueProduct.compatible_product_ids,
        _current_started_at.label("started_at"),
        AccountBundle.bundle_id,
        CatalogueBundle.name.label("bundle_name"),
        ScheduledOperation.created_at.label("change_requested_at"),
        ScheduledOperation.due_at.label("change_due_at"),
        ScheduledOperation.payload.label("change_payload"),
    )
    .join(Account, Account.id == Subscription.account_id)
    .outerjoin(
        CatalogueProduct,
        and_(
            CatalogueProduct.org_id == Subscription.org_id,
            CatalogueProduct.product_id == Subscription.product_id,
        ),
    )
    .outerjoin(AccountBundle, AccountBundle.id == Subscription.account_bundle_id)
    .outerjoin(
        CatalogueBundle,
        and_(
            CatalogueBundle.org_id == AccountBundle.org_id,
            CatalogueBundle.bundle_id == AccountBundle.bundle_id,
        ),
    )
    .outerjoin(ScheduledOperation, ScheduledOperation.id == _first_pending_change)
    .where(_THIS_LINE),
    LineProductRow,
)


def line_product(
    session: Session, *, org_id: int, subscription_id: int, change_kind: str
) -> LineProductRow | None:
    """The org's line with its tariff, account billing type, bundle and pending change."""
    return _LINE_PRODUCT.first(
        session, subscription_id=subscription_id, org_id=org_id, change_kind=change_kind
    )


# A fixed number of id slots (unused ones repeat an id) rather than an expanding IN-list: the
# statement's SQL then never depends on the call, so it can be prepared. A product lists a
# handful of compatible targets; longer lists are read a slice at a time.
CATALOGUE_SLOTS = 8
_SLOT_NAMES = tuple(f"id_{slot}" for slot in range(CATALOGUE_SLOTS))


class CatalogueProductRow(NamedTuple):
    product_id: int
    name: str
    billing_type_ids: list[int]


_CATALOGUE_PRODUCTS = PreparedSelect(
    select(
        CatalogueProduct.product_id, CatalogueProduct.name, CatalogueProduct.billing_type_ids
    ).where(
        CatalogueProduct.org_id == bindparam("org_id"),
        CatalogueProduct.product_id.in_([bindparam(name) for name in _SLOT_NAMES]),
    ),
    CatalogueProductRow,
)


def catalogue_products(
    session: Session, *, org_id: int, product_ids: Collection[int]
) -> dict[int, CatalogueProductRow]:
    """``(product_id, name, billing_type_ids)`` of those of ``product_ids`` in the catalogue."""
    wanted = sorted(set(product_ids))
    found: dict[int, CatalogueProductRow] = {}
    for start in range(0, len(wanted), CATALOGUE_SLOTS):
        part = wanted[start : start + CATALOGUE_SLOTS]
        padded = part + [part[0]] * (CATALOGUE_SLOTS - len(part))
        slots = dict(zip(_SLOT_NAMES, padded, strict=True))
        for row in _CATALOGUE_PRODUCTS.all(session, org_id=org_id, **slots):
            found[row.product_id] = row
    return found


class TariffPeriodRow(NamedTuple):
    product_id: int
    started_at: datetime
    name: str | None


_PRODUCT_HISTORY = PreparedSelect(
    select(SubscriptionProduct.product_id, SubscriptionProduct.started_at, CatalogueProduct.name)
    .outerjoin(
        CatalogueProduct,
        and_(
            CatalogueProduct.org_id == bindparam("org_id"),
            CatalogueProduct.product_id == SubscriptionProduct.product_id,
        ),
    )
    .where(SubscriptionProduct.subscription_id == bindparam("subscription_id"))
    .order_by(SubscriptionProduct.started_at.desc(), SubscriptionProduct.id.desc()),
    TariffPeriodRow,
)


def product_history(
    session: Session, *, org_id: int, subscription_id: int
) -> list[TariffPeriodRow]:
    """``(product_id, started_at, name)`` of the line's tariff periods, newest first."""
    return _PRODUCT_HISTORY.all(session, subscription_id=subscription_id, org_id=org_id)
