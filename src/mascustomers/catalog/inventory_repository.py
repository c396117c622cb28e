"""All SQL about numbers and SIM cards but a new line's (``inventory_claims``); reservations are
single guarded UPDATEs."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mascustomers.catalog.inventory_states import NumberStatus, SimStatus
from mascustomers.models import Msisdn, SimCard


def take_number(
    session: Session, *, org_id: int, msisdn: str, holder_status: NumberStatus, now: datetime
) -> bool:
    """Move an AVAILABLE pool number to ``holder_status``; False if someone has it."""
    result = session.execute(
        update(Msisdn)
        .where(
            Msisdn.org_id == org_id,
            Msisdn.msisdn == msisdn,
            Msisdn.status == NumberStatus.AVAILABLE,
        )
        .values(status=holder_status, status_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def free_numbers(
    session: Session, *, org_id: int, host_cfg_id: int, limit: int, after: str | None = None
) -> Sequence[str]:
    query = select(Msisdn.msisdn).where(
        Msisdn.org_id == org_id,
        Msisdn.host_cfg_id == host_cfg_id,
        Msisdn.status == NumberStatus.AVAILABLE,
    )
    if after:
        query = query.where(Msisdn.msisdn > after)
    return session.scalars(query.order_by(Msisdn.msisdn).limit(limit)).all()


def pick_free_number(session: Session, *, org_id: int, host_cfg_id: int) -> str | None:
    """A free number, skipping rows other transactions are taking (PostgreSQL)."""
    query = (
        select(Msisdn.msisdn)
        .where(
            Msisdn.org_id == org_id,
            Msisdn.host_cfg_id == host_cfg_id,
            Msisdn.status == NumberStatus.AVAILABLE,
        )
        .order_by(Msisdn.msisdn)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def get_number(session: Session, *, org_id: int, msisdn: str) -> Msisdn | None:
    return session.scalars(
        select(Msisdn).where(Msisdn.org_id == org_id, Msisdn.msisdn == msisdn)
    ).one_or_none()


def add_ported_number(session: Session, *, org_id: int, msisdn: str, now: datetime) -> None:
    session.execute(
        insert(Msisdn).values(
            org_id=org_id,
            msisdn=msisdn,
            host_cfg_id=0,
            status=NumberStatus.PORTED_IN,
            status_at=now,
        )
    )


def release_number(session: Session, *, org_id: int, msisdn: str, now: datetime) -> None:
    """Back to the pool; a ported-in number leaves the org's inventory."""
    number = get_number(session, org_id=org_id, msisdn=msisdn)
    if number is None:
        return
    if number.status == NumberStatus.PORTED_IN:
        session.delete(number)
    else:
        number.status = NumberStatus.AVAILABLE
        number.subscription_id = None
        number.status_at = now
    session.flush()


def take_sim(
    session: Session, *, org_id: int, iccid: str, status: SimStatus, now: datetime
) -> bool:
    result = session.execute(
        update(SimCard)
        .where(
            SimCard.org_id == org_id,
            SimCard.iccid == iccid,
            SimCard.status_id == SimStatus.DISPONIBLE,
        )
        .values(status_id=status, last_status_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def pick_free_sim(session: Session, *, org_id: int) -> str | None:
    query = (
        select(SimCard.iccid)
        .where(SimCard.org_id == org_id, SimCard.status_id == SimStatus.DISPONIBLE)
        .order_by(SimCard.iccid)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def free_sims(
    session: Session, *, org_id: int, limit: int, after: str | None = None
) -> Sequence[str]:
    """Up to ``limit`` ICCIDs of cards in stock, in order, after ``after`` (ix_sim_card_pick)."""
    query = select(SimCard.iccid).where(
        SimCard.org_id == org_id, SimCard.status_id == SimStatus.DISPONIBLE
    )
    if after is not None:
        query = query.where(SimCard.iccid > after)
    return session.scalars(query.order_by(SimCard.iccid).limit(limit)).all()


def get_sim(session: Session, *, org_id: int, iccid: str) -> SimCard | None:
    return session.scalars(
        select(SimCard).where(SimCard.org_id == org_id, SimCard.iccid == iccid)
    ).one_or_none()


def set_sim_status(
    session: Session, *, org_id: int, iccid: str, status: SimStatus, now: datetime
) -> None:
    values: dict[str, object] = {"status_id": status, "last_status_at": now}
    if status in (SimStatus.DISPONIBLE, SimStatus.SUSTITUIDA, SimStatus.BAJA):
        values["subscription_id"] = None
    session.execute(
        update(SimCard).where(SimCard.org_id == org_id, SimCard.iccid == iccid).values(**values)
    )


def numbers_between(session: Session, *, org_id: int, first: str, last: str) -> set[str]:
    """The org's pool numbers from ``first`` to ``last`` (same-length digit strings)."""
    return set(
        session.scalars(
            select(Msisdn.msisdn).where(
                Msisdn.org_id == org_id, Msisdn.msisdn >= first, Msisdn.msisdn <= last
            )
        )
    )


def iccids_between(session: Session, *, org_id: int, first: str, last: str) -> set[str]:
    return set(
        session.scalars(
            select(SimCard.iccid).where(
                SimCard.org_id == org_id, SimCard.iccid >= first, SimCard.iccid <= last
            )
        )
    )


def _insert_new(session: Session, model: type[Msisdn] | type[SimCard], rows: list[Any]) -> None:
    """One executemany INSERT; rows another writer added meanwhile are skipped, not an error."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(model).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(model).on_conflict_do_nothing()
    else:
        statement = insert(model)
    session.execute(statement, rows)


def insert_numbers(session: Session, rows: list[dict[str, Any]]) -> None:
    _insert_new(session, Msisdn, rows)


def insert_sims(session: Session, rows: list[dict[str, Any]]) -> None:
    _insert_new(session, SimCard, rows)


def count_numbers(session: Session, *, org_id: int, status: str | None = None) -> int:
    query = select(func.count()).select_from(Msisdn).where(Msisdn.org_id == org_id)
    if status is not None:
        query = query.where(Msisdn.status == status)
    return int(session.scalar(query) or 0)


def count_sims(session: Session, *, org_id: int, status_id: int | None = None) -> int:
    query = select(func.count()).select_from(SimCard).where(SimCard.org_id == org_id)
    if status_id is not None:
        query = query.where(SimCard.status_id == status_id)
    return int(session.scalar(query) or 0)


def free_number_bounds(
    session: Session, *, org_id: int, host_cfg_id: int
) -> tuple[str, str] | None:
    """The lowest and highest free number of a network (two index lookups), or None."""
    free = select(Msisdn.msisdn).where(
        Msisdn.org_id == org_id,
        Msisdn.host_cfg_id == host_cfg_id,
        Msisdn.status == NumberStatus.AVAILABLE,
    )
    lowest = session.scalars(free.order_by(Msisdn.msisdn).limit(1)).first()
    if lowest is None:
        return None
    highest = session.scalars(free.order_by(Msisdn.msisdn.desc()).limit(1)).one()
    return lowest, highest


def free_numbers_from(
    session: Session, *, org_id: int, host_cfg_id: int, start: str, limit: int
) -> Sequence[str]:
    """Up to ``limit`` free numbers from ``start`` upwards, in order."""
    return session.scalars(
        select(Msisdn.msisdn)
        .where(
            Msisdn.org_id == org_id,
            Msisdn.host_cfg_id == host_cfg_id,
            Msisdn.status == NumberStatus.AVAILABLE,
            Msisdn.msisdn >= start,
        )
        .order_by(Msisdn.msisdn)
        .limit(limit)
    ).all()
