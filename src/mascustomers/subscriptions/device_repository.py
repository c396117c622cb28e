"""All SQL about the terminals sold on lines and what their answers need."""

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import CatalogueDevice, Commitment, Sell, SubscriptionTerminal


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
