"""All SQL about numbers and SIM cards; reservations are single guarded UPDATEs.

A new line takes a number and a SIM card (pick and guarded take in one UPDATE … RETURNING)
and binds both to the subscription: those statements (``claim_…``, ``bind_…``) are built once
and on the tables, not the mapped classes: building the statement and the ORM's handling of it
cost several times running it. On
PostgreSQL the pick skips rows another transaction is taking (``FOR UPDATE SKIP LOCKED``);
a SQLite writer already holds the database's write lock.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Table,
    Update,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mascustomers.db.pipelining import NO_ANSWER, send
from mascustomers.db.prepared import PreparedSelect
from mascustomers.inventory.states import NumberStatus, SimStatus
from mascustomers.models import Msisdn, SimCard

_NUMBER = cast(Table, Msisdn.__table__)
_SIM = cast(Table, SimCard.__table__)

# Free stock is found through partial indexes holding only free items (ix_msisdn_free,
# ix_sim_card_free): a claim takes the lowest free one, and through any wider index the
# planner may walk past every item taken before it, in ICCID or number order — as it did once
# statistics said most of the stock was free: a claim read ~1,000 index entries after 2,000
# signups, more with every one (docs/performance.md (c), "fifth look"). The condition is
# written out in the SQL, not bound, so that a prepared statement's generic plan can use
# those indexes.
NUMBER_IS_FREE: ColumnElement[bool] = _NUMBER.c.status == literal_column(
    f"'{NumberStatus.AVAILABLE.value}'"
)
SIM_IS_FREE: ColumnElement[bool] = _SIM.c.status_id == literal_column(
    str(int(SimStatus.DISPONIBLE))
)


def take_number(
    session: Session, *, org_id: int, msisdn: str, holder_status: NumberStatus, now: datetime
) -> bool:
    """Move an AVAILABLE pool number to ``holder_status``; False if someone has it."""
    result = session.execute(
        update(Msisdn)
        .where(
            Msisdn.org_id == org_id,
            Msisdn.msisdn == msisdn,
            NUMBER_IS_FREE,
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
        NUMBER_IS_FREE,
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
            NUMBER_IS_FREE,
        )
        .order_by(Msisdn.msisdn)
        .limit(1)
    )
    if _skip_locked(session):
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
            SIM_IS_FREE,
        )
        .values(status_id=status, last_status_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def pick_free_sim(session: Session, *, org_id: int) -> str | None:
    query = (
        select(SimCard.iccid)
        .where(SimCard.org_id == org_id, SIM_IS_FREE)
        .order_by(SimCard.iccid)
        .limit(1)
    )
    if _skip_locked(session):
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def free_sims(
    session: Session, *, org_id: int, limit: int, after: str | None = None
) -> Sequence[str]:
    """Up to ``limit`` ICCIDs of cards in stock, in order, after ``after`` (ix_sim_card_free)."""
    query = select(SimCard.iccid).where(SimCard.org_id == org_id, SIM_IS_FREE)
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


def count_numbers(session: Session, *, org_id: int, free_only: bool = False) -> int:
    query = select(func.count()).select_from(Msisdn).where(Msisdn.org_id == org_id)
    if free_only:
        query = query.where(NUMBER_IS_FREE)
    return int(session.scalar(query) or 0)


def count_sims(session: Session, *, org_id: int, free_only: bool = False) -> int:
    query = select(func.count()).select_from(SimCard).where(SimCard.org_id == org_id)
    if free_only:
        query = query.where(SIM_IS_FREE)
    return int(session.scalar(query) or 0)


def free_number_bounds(
    session: Session, *, org_id: int, host_cfg_id: int
) -> tuple[str, str] | None:
    """The lowest and highest free number of a network (two index lookups), or None."""
    free = select(Msisdn.msisdn).where(
        Msisdn.org_id == org_id,
        Msisdn.host_cfg_id == host_cfg_id,
        NUMBER_IS_FREE,
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
            NUMBER_IS_FREE,
            Msisdn.msisdn >= start,
        )
        .order_by(Msisdn.msisdn)
        .limit(limit)
    ).all()


_NOW = bindparam("now", type_=_NUMBER.c.status_at.type)


# The claims' LIMIT is written into the SQL: as a parameter, the generic plan of the prepared
# claim expects a tenth of the free stock, so PostgreSQL planned every claim anew
# (pg_stat_statements: as many plans as calls, ~100 µs each).
_ONE = literal_column("1", Integer)


@cache
def _claim_number(skip_locked: bool) -> Update:
    pick = (
        select(_NUMBER.c.msisdn)
        .where(
            _NUMBER.c.org_id == bindparam("org"),
            _NUMBER.c.host_cfg_id == bindparam("host_cfg"),
            NUMBER_IS_FREE,
        )
        .order_by(_NUMBER.c.msisdn)
        .limit(_ONE)
    )
    if skip_locked:
        pick = pick.with_for_update(skip_locked=True)
    return (
        update(_NUMBER)
        .where(
            _NUMBER.c.org_id == bindparam("org"),
            # The pick's host too: the row is then found through the free stock's index by its
            # whole key, (org, host, number), not by scanning the org's free numbers.
            _NUMBER.c.host_cfg_id == bindparam("host_cfg"),
            _NUMBER.c.msisdn == pick.scalar_subquery(),
            # Kept for SQLite, where the pick locks nothing.
            NUMBER_IS_FREE,
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
            .where(_SIM.c.org_id == bindparam("org"), SIM_IS_FREE)
            .order_by(_SIM.c.iccid)
            .limit(_ONE)
        )
        if skip_locked:
            pick = pick.with_for_update(skip_locked=True)
        wanted = pick.scalar_subquery()
    return (
        update(_SIM)
        .where(
            _SIM.c.org_id == bindparam("org"),
            _SIM.c.iccid == wanted,
            SIM_IS_FREE,
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
    .execution_options(**NO_ANSWER)
)

_BIND_SIM = (
    update(_SIM)
    .where(_SIM.c.org_id == bindparam("org"), _SIM.c.iccid == bindparam("card"))
    .values(subscription_id=bindparam("line"))
    .execution_options(**NO_ANSWER)
)


def _skip_locked(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


class _ClaimedNumber(NamedTuple):
    msisdn: str


class _ClaimedSim(NamedTuple):
    iccid: str
    imsi: str


# Prepared (db.prepared): on PostgreSQL a claim in an order joins the run of its writes.
@cache
def _number_claim(skip_locked: bool) -> PreparedSelect[_ClaimedNumber]:
    return PreparedSelect(_claim_number(skip_locked), _ClaimedNumber)


@cache
def _sim_claim(pick_free: bool, skip_locked: bool) -> PreparedSelect[_ClaimedSim]:
    return PreparedSelect(_claim_sim(pick_free, skip_locked), _ClaimedSim)


def claim_free_number(
    session: Session, *, org_id: int, host_cfg_id: int, holder_status: NumberStatus, now: datetime
) -> str | None:
    """Pick a free number and move it to ``holder_status``; None if none was taken."""
    row = _number_claim(_skip_locked(session)).first(
        session, org=org_id, host_cfg=host_cfg_id, holder=holder_status.value, now=now
    )
    return None if row is None else row.msisdn


def claim_sim(
    session: Session, *, org_id: int, iccid: str | None, status: SimStatus, now: datetime
) -> tuple[str, str] | None:
    """Move ``iccid`` (or a free card when None) from DISPONIBLE to ``status``: its (iccid,
    imsi), or None if it is not available."""
    params: dict[str, Any] = {"org": org_id, "target": int(status), "now": now}
    if iccid is not None:
        params["card"] = iccid
    row = _sim_claim(iccid is None, _skip_locked(session)).first(session, **params)
    return None if row is None else (row.iccid, row.imsi)


def bind_sim(session: Session, *, org_id: int, iccid: str, subscription_id: int) -> None:
    send(session, _BIND_SIM, {"org": org_id, "card": iccid, "line": subscription_id})


def bind_to_lines(
    session: Session,
    *,
    org_id: int,
    numbers: list[tuple[str, int]],
    sims: list[tuple[str, int]],
) -> None:
    """``assign_number`` and ``bind_sim`` for several lines: one executemany each."""
    if numbers:
        send(
            session,
            _ASSIGN_NUMBER,
            [{"org": org_id, "number": n, "line": line} for n, line in numbers],
        )
    if sims:
        send(session, _BIND_SIM, [{"org": org_id, "card": c, "line": line} for c, line in sims])
