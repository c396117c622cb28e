"""Stocking numbers and SIM cards: range syntax, generated values, idempotent bulk inserts."""

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.catalog.errors import InvalidInventoryRange, UnknownMasterData, UnknownNetwork
from mascustomers.inventory import loader
from mascustomers.inventory import service as inventory_service
from mascustomers.inventory.states import NumberStatus, SimStatus
from mascustomers.kit.line_numbers import is_valid_iccid
from mascustomers.models import Msisdn, Org, SimCard
from tests.catalog.shipped import NOW


def test_msisdn_ranges() -> None:
    numbers = loader.parse_msisdn_range("600000000-600009999")
    assert len(numbers) == 10_000
    values = list(numbers.values())
    assert values[0] == "600000000"
    assert values[-1] == "600009999"
    assert list(loader.parse_msisdn_range(" 722000001 ").values()) == ["722000001"]


@pytest.mark.parametrize(
    "text",
    [
        "600000010-600000001",  # reversed
        "900000000-900000010",  # not a mobile number
        "60000000-60000010",  # 8 digits
        "6000000a0-600000100",
        "600000000-601000000",  # more than a million
        "600000000-6000000100",
    ],
)
def test_bad_msisdn_ranges(text: str) -> None:
    with pytest.raises(InvalidInventoryRange):
        loader.parse_msisdn_range(text)


def test_iccid_ranges_by_bodies_and_full_numbers() -> None:
    bodies = loader.parse_iccid_range("8934040000000000000-8934040000000009999")
    assert len(bodies) == 10_000
    first = next(bodies.values())
    assert len(first) == 20
    assert first.startswith("8934040000000000000")
    assert is_valid_iccid(first)
    short = loader.parse_iccid_range("893404000000000000-893404000000000009")
    assert [len(v) for v in short.values()] == [19] * 10
    assert all(is_valid_iccid(v) for v in short.values())
    full = loader.parse_iccid_range(f"{first}-{list(bodies.values())[9]}")
    assert list(full.values()) == list(bodies.values())[:10]
    nineteen = list(short.values())
    as_full = loader.parse_iccid_range(f"{nineteen[0]}-{nineteen[-1]}", full_iccids=True)
    assert list(as_full.values()) == nineteen


@pytest.mark.parametrize(
    ("text", "full"),
    [
        ("89340400000000000001-89340400000000000099", False),  # 20 digits, wrong check digit
        ("8934040000000000000-89340400000000000", False),  # different lengths
        ("89340400000000000-89340400000000010", False),  # 17 digits
        ("893404000000000000-893404000000000010", True),  # 18 digits are never full ICCIDs
        ("8934040000000000010-8934040000000000000", False),  # reversed
    ],
)
def test_bad_iccid_ranges(text: str, full: bool) -> None:
    with pytest.raises(InvalidInventoryRange):
        loader.parse_iccid_range(text, full_iccids=full)


def test_imsi_comes_from_the_iccid_body() -> None:
    iccid = "89340400000012345678"
    assert loader.imsi_for(iccid) == "21404" + "0001234567"
    assert len(loader.imsi_for(iccid)) == 15


def test_adding_numbers_twice_adds_them_once(session: Session, org: Org) -> None:
    first = loader.add_numbers(
        session,
        org_id=org.id,
        numbers=loader.parse_msisdn_range("600000000-600000099"),
        host_cfg_id=1,
        now=NOW,
    )
    assert (first.requested, first.added, first.existing) == (100, 100, 0)
    overlapping = loader.add_numbers(
        session,
        org_id=org.id,
        numbers=loader.parse_msisdn_range("600000050-600000149"),
        host_cfg_id=1,
        now=NOW,
    )
    assert (overlapping.added, overlapping.existing) == (50, 50)
    rows = session.scalars(select(Msisdn).where(Msisdn.org_id == org.id)).all()
    assert len(rows) == 150
    assert {row.status for row in rows} == {NumberStatus.AVAILABLE}
    assert {row.host_cfg_id for row in rows} == {1}
    assert rows[0].status_at == NOW


def test_adding_sims_twice_adds_them_once(session: Session, org: Org) -> None:
    batch = loader.SimBatch(
        society_id="XFERA", initial_balance=Decimal("5.00"), promotion_code="NTH_256"
    )
    cards = loader.parse_iccid_range("893404000000000000-893404000000000019")
    assert loader.add_sims(session, org_id=org.id, iccids=cards, batch=batch, now=NOW).added == 20
    again = loader.add_sims(session, org_id=org.id, iccids=cards, batch=batch, now=NOW)
    assert (again.added, again.existing) == (0, 20)
    sims = session.scalars(select(SimCard).where(SimCard.org_id == org.id)).all()
    assert len(sims) == 20
    sim = sims[0]
    assert is_valid_iccid(sim.iccid)
    assert sim.imsi == loader.imsi_for(sim.iccid)
    assert sim.status_id == SimStatus.DISPONIBLE
    assert (sim.origin_id, sim.fabrication_type_id) == (1, 1)
    assert (sim.society_id, sim.promotion_code) == ("XFERA", "NTH_256")
    assert sim.initial_balance == Decimal("5.00")
    assert (sim.created_at, sim.last_status_at) == (NOW, NOW)
    assert inventory_service.stock_counts(session, org_id=org.id)["sims_available"] == 20


def test_a_chunked_range(session: Session, org: Org) -> None:
    numbers = loader.parse_msisdn_range("610000000-610012344")
    assert len(numbers) > 2 * loader.CHUNK
    added = loader.add_numbers(session, org_id=org.id, numbers=numbers, host_cfg_id=1, now=NOW)
    assert added.added == 12_345
    assert inventory_service.pool_size(session, org_id=org.id) == 12_345


def test_unknown_fabrication_type_is_refused(session: Session, org: Org) -> None:
    with pytest.raises(UnknownMasterData):
        loader.add_sims(
            session,
            org_id=org.id,
            iccids=loader.parse_iccid_range("893404000000000000"),
            batch=loader.SimBatch(fabrication_type_id=99),
            now=NOW,
        )


@pytest.mark.parametrize(("given", "expected"), [("YOIGO", 1), ("yoigo", 1), ("1", 1)])
def test_networks(given: str, expected: int) -> None:
    assert inventory_service.resolve_network(given) == expected


@pytest.mark.parametrize("given", ["MOVISTAR", "0", "2", "", "YOIGO2"])
def test_unknown_networks(given: str) -> None:
    with pytest.raises(UnknownNetwork):
        inventory_service.resolve_network(given)
