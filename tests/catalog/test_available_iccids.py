"""GET signups/available-iccids (extension): free SIM cards, paginated, from an index."""

import pytest
from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from mascustomers.auth.permissions import Permission
from mascustomers.errors import ErrorCode
from mascustomers.inventory.states import SimStatus
from mascustomers.kit.line_numbers import validate_iccid
from mascustomers.models import SimCard
from tests.bodies import mobile_line, mobile_signup, owner
from tests.catalogue_fixture import sim_iccid
from tests.databases import on_postgres
from tests.factories import ApiCaller, make_key
from tests.query_plans import Captured, full_scans

pytestmark = pytest.mark.usefixtures("catalogue")
URL = "/signups/available-iccids"


def _page(api: ApiCaller, **params: object) -> dict[str, object]:
    response = api.get(URL, params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_pages_through_the_cards_in_stock_in_order(api: ApiCaller) -> None:
    first = _page(api, limit=3)
    assert first["available_iccids"] == [sim_iccid(0), sim_iccid(1), sim_iccid(2)]
    assert first["next_after"] == sim_iccid(2)
    second = _page(api, limit=3, after=first["next_after"])
    assert second["available_iccids"] == [sim_iccid(3), sim_iccid(4), sim_iccid(5)]
    every = []
    after = None
    while True:
        page = _page(api, limit=100, **({"after": after} if after else {}))
        every += page["available_iccids"]
        after = page["next_after"]
        if after is None:
            break
    assert every == sorted(every)
    assert len(every) == len(set(every)) == 60
    for iccid in every:
        validate_iccid(iccid)  # with its Luhn check digit


def test_cards_taken_or_out_of_service_are_not_listed(api: ApiCaller, session: Session) -> None:
    signed = api.post(
        "/signups", json=mobile_signup(person=owner(70111222), line=mobile_line(iccid=sim_iccid(1)))
    )
    assert signed.status_code == 200, signed.text
    session.execute(
        update(SimCard).where(SimCard.iccid == sim_iccid(2)).values(status_id=SimStatus.BAJA)
    )
    session.commit()
    listed = _page(api, limit=4)["available_iccids"]
    assert listed == [sim_iccid(0), sim_iccid(3), sim_iccid(4), sim_iccid(5)]
    # The listed card is what a signup takes.
    taken = api.post(
        "/signups", json=mobile_signup(person=owner(70111223), line=mobile_line(iccid=listed[0]))
    )
    assert taken.status_code == 200, taken.text
    assert sim_iccid(0) not in _page(api, limit=4)["available_iccids"]


def test_the_last_page_says_so(api: ApiCaller) -> None:
    page = _page(api, limit=5, after=sim_iccid(57))
    assert page == {"available_iccids": [sim_iccid(58), sim_iccid(59)], "next_after": None}


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"after": "8934"}, {"after": "89340400000000000x00"}]
)
def test_bad_paging_is_a_400(api: ApiCaller, params: dict[str, object]) -> None:
    response = api.get(URL, params=params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == ErrorCode.VALIDATION_FAILED.code


def test_needs_the_signups_permission(api: ApiCaller, session: Session) -> None:
    key = make_key(session, org_slug=api.org, permissions=frozenset({Permission.PRODUCTS}))
    response = api.client.get(f"/v2/orgs/{api.org}{URL}", headers={"x-api-key": key})
    assert response.status_code == 403
    allowed = make_key(session, org_slug=api.org, permissions=frozenset({Permission.SIGNUPS}))
    assert api.client.get(f"/v2/orgs/{api.org}{URL}", headers={"x-api-key": allowed}).is_success


def test_reads_the_free_stock_index(
    api: ApiCaller, connection: Connection, captured: Captured
) -> None:
    captured.clear()
    _page(api, limit=10, after=sim_iccid(3))
    assert full_scans(connection, captured) == []
    if not on_postgres():
        listing = [s for s, _ in captured if "FROM sim_card" in s]
        assert listing
        plans = [
            str(row[-1])
            for statement in listing
            for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", next(p for s, p in captured if s == statement)
            )
        ]
        assert any("ix_sim_card_free" in plan for plan in plans), plans
