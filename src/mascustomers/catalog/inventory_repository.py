"""All SQL about numbers and SIM cards; reservations are single guarded UPDATEs."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, insert, select, update
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


def bind_number(session: Session, *, org_id: int, msisdn: str, subscription_id: int) -> None:
    session.execute(
        update(Msisdn)
        .where(Msisdn.org_id == org_id, Msisdn.msisdn == msisdn)
        .values(subscription_id=subscription_id)
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


def get_sim(session: Session, *, org_id: int, iccid: str) -> SimCard | None:
    return session.scalars(
        select(SimCard).where(SimCard.org_id == org_id, SimCard.iccid == iccid)
    ).one_or_none()


def bind_sim(session: Session, *, org_id: int, iccid: str, subscription_id: int | None) -> None:
    session.execute(
        update(SimCard)
        .where(and_(SimCard.org_id == org_id, SimCard.iccid == iccid))
        .values(subscription_id=subscription_id)
    )


def set_sim_status(
    session: Session, *, org_id: int, iccid: str, status: SimStatus, now: datetime
) -> None:
    values: dict[str, object] = {"status_id": status, "last_status_at": now}
    if status in (SimStatus.DISPONIBLE, SimStatus.SUSTITUIDA, SimStatus.BAJA):
        values["subscription_id"] = None
    session.execute(
        update(SimCard).where(SimCard.org_id == org_id, SimCard.iccid == iccid).values(**values)
    )
