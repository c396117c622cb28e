"""The inventory statements of every new line, built once on the tables.

A new line takes a number and a SIM card (pick and guarded take in one UPDATE … RETURNING)
and binds both to the subscription. Built once and on the tables, not the mapped classes:
building the statement and the ORM's handling of it cost several times running it. On
PostgreSQL the pick skips rows another transaction is taking (``FOR UPDATE SKIP LOCKED``);
a SQLite writer already holds the database's write lock.
"""

from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, case, select, update
from sqlalchemy.orm import Session

from mascustomers.catalog.inventory_states import NumberStatus, SimStatus
from mascustomers.models import Msisdn, SimCard

_NUMBER = cast(Table, Msisdn.__table__)
_SIM = cast(Table, SimCard.__table__)
_NOW = bindparam("now", type_=_NUMBER.c.status_at.type)


@cache
def _claim_number(skip_locked: bool) -> Update:
    pick = (
        select(_NUMBER.c.msisdn)
        .where(
            _NUMBER.c.org_id == bindparam("org"),
            _NUMBER.c.host_cfg_id == bindparam("host_cfg"),
            _NUMBER.c.status == NumberStatus.AVAILABLE.value,
        )
        .order_by(_NUMBER.c.msisdn)
        .limit(1)
    )
    if skip_locked:
        pick = pick.with_for_update(skip_locked=True)
    return (
        update(_NUMBER)
        .where(
            _NUMBER.c.org_id == bindparam("org"),
            _NUMBER.c.msisdn == pick.scalar_subquery(),
            # Kept for SQLite, where the pick locks nothing.
            _NUMBER.c.status == NumberStatus.AVAILABLE.value,
        )
        .values(status=bindparam("holder"), status_at=_NOW)
        .returning(_NUMBER.c.msisdn)
    )


@cache
def _claim_sim(pick_free: bool, skip_locked: bool) -> Update:
    wanted: Any = bindparam("card", type_=_SIM.c.iccid.type)
    if pick_free:
        pick = (
            select(_SIM.c.iccid)
            .where(_SIM.c.org_id == bindparam("org"), _SIM.c.status_id == int(SimStatus.DISPONIBLE))
            .order_by(_SIM.c.iccid)
            .limit(1)
        )
        if skip_locked:
            pick = pick.with_for_update(skip_locked=True)
        wanted = pick.scalar_subquery()
    return (
        update(_SIM)
        .where(
            _SIM.c.org_id == bindparam("org"),
            _SIM.c.iccid == wanted,
            _SIM.c.status_id == int(SimStatus.DISPONIBLE),
        )
        .values(status_id=bindparam("target"), last_status_at=_NOW)
        .returning(_SIM.c.iccid, _SIM.c.imsi)
    )


_ASSIGN_NUMBER = (
    update(_NUMBER)
    .where(_NUMBER.c.org_id == bindparam("org"), _NUMBER.c.msisdn == bindparam("number"))
    .values(
        subscription_id=bindparam("line"),
        status=case(
            (_NUMBER.c.status == NumberStatus.RESERVED.value, NumberStatus.ASSIGNED.value),
            else_=_NUMBER.c.status,
        ),
    )
)

_BIND_SIM = (
    update(_SIM)
    .where(_SIM.c.org_id == bindparam("org"), _SIM.c.iccid == bindparam("card"))
    .values(subscription_id=bindparam("line"))
)


def _skip_locked(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def claim_free_number(
    session: Session, *, org_id: int, host_cfg_id: int, holder_status: NumberStatus, now: datetime
) -> str | None:
    """Pick a free number and move it to ``holder_status``; None if none was taken."""
    return session.scalars(
        _claim_number(_skip_locked(session)),
        {"org": org_id, "host_cfg": host_cfg_id, "holder": holder_status.value, "now": now},
    ).first()


def claim_sim(
    session: Session, *, org_id: int, iccid: str | None, status: SimStatus, now: datetime
) -> tuple[str, str] | None:
    """Move ``iccid`` (or a free card when None) from DISPONIBLE to ``status``: its (iccid,
    imsi), or None if it is not available."""
    params: dict[str, Any] = {"org": org_id, "target": int(status), "now": now}
    if iccid is not None:
        params["card"] = iccid
    row = session.execute(_claim_sim(iccid is None, _skip_locked(session)), params).first()
    return None if row is None else (row[0], row[1])


def bind_sim(session: Session, *, org_id: int, iccid: str, subscription_id: int) -> None:
    session.execute(_BIND_SIM, {"org": org_id, "card": iccid, "line": subscription_id})


def bind_to_lines(
    session: Session,
    *,
    org_id: int,
    numbers: list[tuple[str, int]],
    sims: list[tuple[str, int]],
) -> None:
    """``assign_number`` and ``bind_sim`` for several lines: one executemany each."""
    if numbers:
        session.execute(
            _ASSIGN_NUMBER, [{"org": org_id, "number": n, "line": line} for n, line in numbers]
        )
    if sims:
        session.execute(_BIND_SIM, [{"org": org_id, "card": c, "line": line} for c, line in sims])
