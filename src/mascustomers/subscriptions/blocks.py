"""Theft (1, ROBO) and loss (2, PERDIDA) blocks of a mobile line's SIM card.

``GET .../blocks`` (deprecated in 2.37.1, still served) lists the blocks in force: one item
per open ``subscription_block`` row, ``date_last_modified`` being when it was set and
``description`` its reason. ``PATCH .../blocks/{blockId}`` with ``blockId`` 1 or 2 only
(anything else is a 400) sets (``active: true``) or lifts (``active: false``) a block; setting
a block already in force or lifting one that is not changes nothing. The rows are the history:
a block is set by opening a row and lifted by closing it (``end_at``, ``modified_by``). Only a
live mobile line can be blocked. An ACTIVO line is BLOQUEADO while any block is in force and
ACTIVO again when the last one is lifted (both moves in the status history); a line in another
status (a shipped SIM not yet activated, say) keeps it — the block bars traffic either way.

Rule with SIM replacement: while a theft or loss block is in force, the SIM can be replaced
only in a shop (``shop_id`` given, else ``BlockedLineNeedsShop``), where the customer proves
who they are; a replacement made that way lifts the blocks, because the stolen or lost SIM is
retired (SUSTITUIDA) and the new one is safe to use.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.auth.caller import Caller
from mascustomers.catalog import master_data
from mascustomers.catalog.master_data import MasterDataList
from mascustomers.errors import ValidationFailed
from mascustomers.kit.clock import format_timestamp
from mascustomers.models import Subscription, SubscriptionBlock
from mascustomers.subscriptions import repository
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.errors import BlockedLineNeedsShop
from mascustomers.subscriptions.line_changes import (
    load_line,
    require_changeable,
    require_mobile,
)
from mascustomers.subscriptions.schemas import BlockChange, BlockItem, SubscriptionBlocks
from mascustomers.subscriptions.states import SubscriptionStatus

BLOCK_IDS = (1, 2)


def blocks_view(session: Session, *, caller: Caller, subscription_id: int) -> SubscriptionBlocks:
    line = load_line(session, caller=caller, subscription_id=subscription_id)
    items = [
        BlockItem(
            id=row.block_id,
            value=master_data.value(MasterDataList.BLOCK_TYPES, row.block_id) or str(row.block_id),
            date_last_modified=format_timestamp(row.start_at),
            description=row.reason,
        )
        for row in repository.open_blocks(session, subscription_id=line.id)
    ]
    return SubscriptionBlocks(subscription_id=line.id, items=items)


def change_block(
    session: Session, *, caller: Caller, subscription_id: int, block_id: int, body: BlockChange
) -> None:
    if block_id not in BLOCK_IDS:
        raise ValidationFailed(f"blockId: {block_id} is not 1 (ROBO) or 2 (PERDIDA)")
    line = load_line(session, caller=caller, subscription_id=subscription_id, lock=True)
    require_mobile(line)
    require_changeable(line)
    current = [
        row
        for row in repository.open_blocks(session, subscription_id=line.id)
        if row.block_id == block_id
    ]
    if body.active and not current:
        session.add(
            SubscriptionBlock(
                subscription_id=line.id,
                block_id=block_id,
                reason=body.reason,
                start_at=caller.now,
                end_at=None,
                modified_by=caller.actor,
            )
        )
    elif not body.active:
        _close(current, actor=caller.actor, now=caller.now)
    _follow_blocks(session, line=line, actor=caller.actor, now=caller.now)


def require_shop_if_blocked(session: Session, *, line: Subscription, shop_id: str | None) -> bool:
    """Whether the line is blocked; refuses a replacement outside a shop while it is."""
    blocked = bool(repository.open_blocks(session, subscription_id=line.id))
    if blocked and not shop_id:
        raise BlockedLineNeedsShop(
            f"shop_id: subscription {line.id} is blocked (theft or loss); "
            "its SIM can be replaced only in a shop"
        )
    return blocked


def lift_blocks(session: Session, *, line: Subscription, actor: str, now: datetime) -> list[int]:
    """End every block in force (the blocked SIM has just been replaced); the rows' ids."""
    lifted = list(repository.open_blocks(session, subscription_id=line.id))
    _close(lifted, actor=actor, now=now)
    _follow_blocks(session, line=line, actor=actor, now=now)
    return [row.id for row in lifted]


def _follow_blocks(session: Session, *, line: Subscription, actor: str, now: datetime) -> None:
    """BLOQUEADO while a block is in force (from ACTIVO), ACTIVO again when none is."""
    session.flush()
    blocked = bool(repository.open_blocks(session, subscription_id=line.id))
    status = SubscriptionStatus(line.status_id)
    target = None
    if blocked and status == SubscriptionStatus.ACTIVO:
        target = SubscriptionStatus.BLOQUEADO
    elif not blocked and status == SubscriptionStatus.BLOQUEADO:
        target = SubscriptionStatus.ACTIVO
    if target is not None:
        subscriptions_service.move_status(
            session, subscription=line, target=target, actor=actor, now=now
        )


def _close(rows: Iterable[SubscriptionBlock], *, actor: str, now: datetime) -> None:
    for row in rows:
        row.end_at = now
        row.modified_by = actor
