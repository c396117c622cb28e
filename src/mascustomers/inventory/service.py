"""Numbers and SIM cards: reserve, bind to a line, activate, release."""

import random
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mascustomers.catalog.errors import (
    InvalidIccidValue,
    NumberNotAvailable,
    SimNotAvailable,
    UnknownNetwork,
)
from mascustomers.errors import NotFound
from mascustomers.inventory import repository
from mascustomers.inventory import repository as claims
from mascustomers.inventory.states import (
    HOST_CFG_NAMES,
    YOIGO_HOST_CFG,
    NumberStatus,
    SimStatus,
)
from mascustomers.kit.line_numbers import InvalidIccid, validate_iccid
from mascustomers.models import SimCard

_PICK_ATTEMPTS = 5


def reserve_number(
    session: Session, *, org_id: int, msisdn: str | None, now: datetime, field: str
) -> str:
    """Take ``msisdn`` from the pool, or any free YOIGO number when none is asked for."""
    if msisdn is not None:
        if not repository.take_number(
            session, org_id=org_id, msisdn=msisdn, holder_status=NumberStatus.RESERVED, now=now
        ):
            raise NumberNotAvailable(f"{field}: number {msisdn} is not free in the pool")
        return msisdn
    for _ in range(_PICK_ATTEMPTS):
        # One statement picks and takes; None when the pool is empty, or (SQLite never) when
        # another writer took the picked number first.
        taken = claims.claim_free_number(
            session,
            org_id=org_id,
            host_cfg_id=YOIGO_HOST_CFG,
            holder_status=NumberStatus.RESERVED,
            now=now,
        )
        if taken is not None:
            return taken
        if repository.pick_free_number(session, org_id=org_id, host_cfg_id=YOIGO_HOST_CFG) is None:
            break
    raise NumberNotAvailable(f"{field}: the number pool has no free number")


def register_ported_number(
    session: Session, *, org_id: int, msisdn: str, now: datetime, field: str
) -> None:
    """A number coming from another operator; refused if this org already holds it."""
    if repository.get_number(session, org_id=org_id, msisdn=msisdn) is not None:
        raise NumberNotAvailable(f"{field}: number {msisdn} already belongs to this operator")
    try:
        with session.begin_nested():
            repository.add_ported_number(session, org_id=org_id, msisdn=msisdn, now=now)
    except IntegrityError as error:
        raise NumberNotAvailable(f"{field}: number {msisdn} is being ported already") from error


def bind_to_lines(
    session: Session,
    *,
    org_id: int,
    numbers: list[tuple[str, int]],
    sims: list[tuple[str, int]],
) -> None:
    """Bind (number, line id) and (ICCID, line id) pairs at once, as ``assign_number`` and
    ``bind_sim`` do one by one."""
    claims.bind_to_lines(session, org_id=org_id, numbers=numbers, sims=sims)


def release_number(session: Session, *, org_id: int, msisdn: str, now: datetime) -> None:
    repository.release_number(session, org_id=org_id, msisdn=msisdn, now=now)


def reserve_sim(
    session: Session, *, org_id: int, iccid: str | None, now: datetime, field: str
) -> SimCard:
    """The SIM handed in the shop (``iccid``), or one taken from stock to be shipped."""
    if iccid is not None:
        if not repository.take_sim(
            session, org_id=org_id, iccid=iccid, status=SimStatus.RESERVADA, now=now
        ):
            raise SimNotAvailable(f"{field}: SIM {iccid} is not available")
    else:
        for _ in range(_PICK_ATTEMPTS):
            iccid = repository.pick_free_sim(session, org_id=org_id)
            if iccid is None:
                break
            if repository.take_sim(
                session, org_id=org_id, iccid=iccid, status=SimStatus.RESERVADA, now=now
            ):
                break
            iccid = None
        if iccid is None:
            raise SimNotAvailable(f"{field}: no SIM card left in stock to ship")
    sim = repository.get_sim(session, org_id=org_id, iccid=iccid)
    assert sim is not None
    return sim


class LineSim(NamedTuple):
    iccid: str
    imsi: str


def reserve_line_sim(
    session: Session, *, org_id: int, iccid: str | None, now: datetime, field: str
) -> LineSim:
    """As ``reserve_sim``, one statement per attempt, giving only what a new line stores."""
    for _ in range(1 if iccid is not None else _PICK_ATTEMPTS):
        taken = claims.claim_sim(
            session, org_id=org_id, iccid=iccid, status=SimStatus.RESERVADA, now=now
        )
        if taken is not None:
            return LineSim(*taken)
        if iccid is not None or repository.pick_free_sim(session, org_id=org_id) is None:
            break
    if iccid is not None:
        raise SimNotAvailable(f"{field}: SIM {iccid} is not available")
    raise SimNotAvailable(f"{field}: no SIM card left in stock to ship")


def bind_sim(session: Session, *, org_id: int, iccid: str, subscription_id: int) -> None:
    claims.bind_sim(session, org_id=org_id, iccid=iccid, subscription_id=subscription_id)


def set_sim_status(
    session: Session, *, org_id: int, iccid: str, status: SimStatus, now: datetime
) -> None:
    repository.set_sim_status(session, org_id=org_id, iccid=iccid, status=status, now=now)


def get_sim(session: Session, *, org_id: int, iccid: str) -> SimCard | None:
    return repository.get_sim(session, org_id=org_id, iccid=iccid)


def free_numbers(session: Session, *, org_id: int, host_cfg_id: int, limit: int) -> Sequence[str]:
    return repository.free_numbers(session, org_id=org_id, host_cfg_id=host_cfg_id, limit=limit)


def resolve_network(value: str) -> int:
    """The network of ``available-msisdns/{host_cfg}``: its name (``YOIGO``) or its id (``1``).

    Only YOIGO has a number pool; anything else is ``UnknownNetwork`` (400).
    """
    wanted = value.strip()
    for network_id, name in HOST_CFG_NAMES.items():
        if wanted.upper() == name or wanted == str(network_id):
            return network_id
    supported = ", ".join(f"{name} ({network_id})" for network_id, name in HOST_CFG_NAMES.items())
    raise UnknownNetwork(f"host_cfg: {value!r} is not a supported network; use {supported}")


def available_numbers(
    session: Session,
    *,
    org_id: int,
    host_cfg_id: int,
    limit: int,
    rng: random.Random | None = None,
) -> list[str]:
    """Up to ``limit`` free numbers, read from a random point of the pool (then wrapping).

    Channels that ask at the same time are offered different numbers, so two customers rarely
    pick the same one; a pick is only held when the signup reserves it. Sorted ascending.
    """
    bounds = repository.free_number_bounds(session, org_id=org_id, host_cfg_id=host_cfg_id)
    if bounds is None:
        return []
    low, high = int(bounds[0]), int(bounds[1])
    start = f"{(rng or random).randint(low, high):09d}"
    numbers = list(
        repository.free_numbers_from(
            session, org_id=org_id, host_cfg_id=host_cfg_id, start=start, limit=limit
        )
    )
    if len(numbers) < limit:
        wrapped = repository.free_numbers_from(
            session, org_id=org_id, host_cfg_id=host_cfg_id, start=bounds[0], limit=limit
        )
        numbers += [n for n in wrapped if n < start][: limit - len(numbers)]
    return sorted(numbers)


def available_iccids(
    session: Session, *, org_id: int, limit: int, after: str | None = None
) -> list[str]:
    """A page of the ICCIDs of cards in stock (DISPONIBLE), ascending, after ``after``.

    Listing a card does not hold it: the order that names it takes it, or fails if another
    order took it first.
    """
    return list(repository.free_sims(session, org_id=org_id, limit=limit, after=after))


def simcard(session: Session, *, org_id: int, iccid: str) -> SimCard:
    """A SIM card of the org's stock by ICCID; malformed → 400, unknown → 404."""
    try:
        validate_iccid(iccid)
    except InvalidIccid as error:
        raise InvalidIccidValue(f"iccid: {error}") from error
    sim = repository.get_sim(session, org_id=org_id, iccid=iccid)
    if sim is None:
        raise NotFound(f"SIM card {iccid} is not in this org's stock")
    return sim


def pool_size(session: Session, *, org_id: int) -> int:
    """How many numbers the org's pool holds, whatever their status."""
    return repository.count_numbers(session, org_id=org_id)


def stock_counts(session: Session, *, org_id: int) -> dict[str, int]:
    """Numbers and SIM cards: total and free."""
    return {
        "numbers": repository.count_numbers(session, org_id=org_id),
        "numbers_available": repository.count_numbers(session, org_id=org_id, free_only=True),
        "sims": repository.count_sims(session, org_id=org_id),
        "sims_available": repository.count_sims(session, org_id=org_id, free_only=True),
    }


def free_sim(session: Session, *, org_id: int) -> str | None:
    """The ICCID of a card in stock (DISPONIBLE), if any: e.g. one to hand over in a shop."""
    return repository.pick_free_sim(session, org_id=org_id)
