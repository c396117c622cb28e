"""CANCEL of an order that added lines (ALTA, AMPLIACION) or migrated a bundle (MIGRACION).

The first ends only the lines it added; the second puts the account back as it was before the
migration — never ends a line that existed before.
"""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.inventory.states import NumberStatus, SimStatus
from mascustomers.models import (
    Account,
    AccountBundle,
    ComputedPenalty,
    Contract,
    Sell,
    Subscription,
    SubscriptionProduct,
    WorkOrder,
)
from tests.bodies import convergent_signup, sales_info
from tests.catalogue_fixture import ADDITIONAL_5GB, BUNDLE, BUNDLE_BIG, MAIN_10GB, MAIN_30GB
from tests.factories import ApiCaller
from tests.orders.test_change_order import change, history
from tests.penalties.support import OrgTime, line, number, post_signup, sim, work_order
from tests.signups.test_signup import row_counts

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

OK = {"error_code": "0", "error_description": "OK", "operation_date": "2026-01-15T10:00:00Z"}
EMAIL = "lucia.12345678@example.es"
MIGRACION, AMPLIACION = 4, 7


def lines_state(session: Session, account_id: int) -> dict[int, tuple[Any, ...]]:
    session.expire_all()
    rows = session.scalars(select(Subscription).where(Subscription.account_id == account_id))
    return {
        s.id: (s.status_id, s.product_id, s.account_bundle_id, s.ended_at, s.iccid) for s in rows
    }


def tree(api: ApiCaller) -> dict[str, Any]:
    response = api.get("/users/tree", params={"email": EMAIL})
    assert response.status_code == 200, response.text
    return dict(response.json())


def migrate(api: ApiCaller, account_id: int, bundle_id: int) -> None:
    body = {"account": {"account_id": account_id, "new_bundle_id": bundle_id}}
    response = api.post("/signups/migration", json=body)
    assert response.status_code == 200, response.text


def orders_of(session: Session, account_id: int, type_id: int) -> list[WorkOrder]:
    session.expire_all()
    return list(
        session.scalars(
            select(WorkOrder)
            .where(WorkOrder.account_id == account_id, WorkOrder.type_id == type_id)
            .order_by(WorkOrder.id)
        )
    )


def bundles(session: Session, account_id: int) -> list[AccountBundle]:
    session.expire_all()
    return list(
        session.scalars(
            select(AccountBundle)
            .where(AccountBundle.account_id == account_id)
            .order_by(AccountBundle.id)
        )
    )


def test_cancel_of_a_migration_puts_the_account_back(
    api: ApiCaller, session: Session, clock: OrgTime
) -> None:
    signup = post_signup(api, convergent_signup())
    account_id = signup["account_info"]["account_id"]
    before, tree_before = lines_state(session, account_id), tree(api)
    migrate(api, account_id, BUNDLE_BIG)
    [order] = orders_of(session, account_id, MIGRACION)
    main = next(s for s, state in before.items() if state[1] == MAIN_10GB)
    assert line(session, main).product_id == MAIN_30GB
    assert {b["bundle_id"] for b in tree(api)["accounts"][0]["subscriptions"]} == {BUNDLE_BIG}
    # The lines are still being provisioned by the signup's order: they must not end.
    assert any(state[0] in (2, 4) for state in before.values())
    counts = row_counts(session)

    assert change(api, order.work_order_id, "CANCEL", reason="se arrepiente") == OK

    assert lines_state(session, account_id) == before
    assert tree(api) == tree_before
    account = session.get(Account, account_id)
    assert account is not None
    assert account.status_id == 3  # ACTIVO, as before
    old, new = bundles(session, account_id)
    assert (old.bundle_id, old.ended_at) == (BUNDLE, None)
    assert (new.bundle_id, new.ended_at, new.status_id) == (BUNDLE_BIG, clock.now, 6)
    tariffs = session.scalars(
        select(SubscriptionProduct)
        .where(SubscriptionProduct.subscription_id == main)
        .order_by(SubscriptionProduct.id)
    ).all()
    assert [(t.product_id, t.reason, t.ended_at) for t in tariffs] == [
        (MAIN_10GB, "ALTA", clock.now),
        (MAIN_30GB, "MIGRACION", clock.now),
        (MAIN_10GB, "ANULA_MIGRACION", None),
    ]
    migrated = line(session, main)
    assert migrated.identification_nr is not None
    assert migrated.iccid is not None
    assigned = number(session, migrated.identification_nr)
    assert assigned is not None
    assert assigned.subscription_id == main  # inventory of lines that existed stays theirs
    assert sim(session, migrated.iccid).subscription_id == main
    contract = session.scalars(
        select(Contract).where(Contract.signature_config == "BUNDLE_MIGRATION")
    ).one()
    assert contract.status == "ANULADO"
    sell = session.scalars(select(Sell).where(Sell.kind == "MIGRATION")).one()
    assert sell.status == "CANCELLED"
    assert session.scalars(select(ComputedPenalty)).all() == []  # nothing to charge
    cancelled = work_order(session, order.work_order_id)
    assert cancelled.status_id == 6
    assert history(session, order.id) == [
        (32, "test-key", None),
        (6, "test-key", "CANCEL: se arrepiente (seller D001)"),
    ]
    # Only what the undo writes: a tariff period per changed line and one history row.
    after = row_counts(session)
    assert after["subscription_product"] == counts["subscription_product"] + 1
    assert after["work_order_status_change"] == counts["work_order_status_change"] + 1
    assert after["subscription"] == counts["subscription"]

    # The signup's order goes on as if the migration had never happened.
    assert change(api, signup["work_order_id"], "COMPLETE")["error_code"] == "0"
    assert line(session, main).account_bundle_id == old.id
    assert bundles(session, account_id)[0].status_id == 1  # INSTALADO
    again = change(api, order.work_order_id, "CANCEL")
    assert again["error_code"] == "0089"
    assert "CANCELADA" in again["error_description"]


def test_cancel_of_a_migration_waits_for_the_later_one(api: ApiCaller, session: Session) -> None:
    signup = post_signup(api, convergent_signup())
    account_id = signup["account_info"]["account_id"]
    before, tree_before = lines_state(session, account_id), tree(api)
    migrate(api, account_id, BUNDLE_BIG)
    migrate(api, account_id, BUNDLE)
    first, second = orders_of(session, account_id, MIGRACION)
    counts = row_counts(session)
    refused = change(api, first.work_order_id, "CANCEL")
    assert refused["error_code"] == "0089"
    assert "has ended since" in refused["error_description"]
    assert row_counts(session) == counts
    assert change(api, second.work_order_id, "CANCEL") == OK
    assert change(api, first.work_order_id, "CANCEL") == OK
    assert lines_state(session, account_id) == before
    assert tree(api) == tree_before
    assert [b.ended_at is None for b in bundles(session, account_id)] == [True, False, False]


def add_line_body(account_id: int, msisdn: str) -> dict[str, Any]:
    wanted = {
        "mobile_lines": [{"type": "additional", "product_id": ADDITIONAL_5GB, "msisdn": msisdn}]
    }
    return {
        "sales_info": sales_info(),
        "account": {"account_id": account_id, "subscriptions": wanted},
    }


def test_cancel_of_a_migration_refused_when_a_line_joined_the_bundle(
    api: ApiCaller, session: Session
) -> None:
    account_id = post_signup(api, convergent_signup())["account_info"]["account_id"]
    migrate(api, account_id, BUNDLE_BIG)
    added = api.post("/signups/subscriptions", json=add_line_body(account_id, "600000050"))
    assert added.status_code == 200, added.text
    [order] = orders_of(session, account_id, MIGRACION)
    counts = row_counts(session)
    refused = change(api, order.work_order_id, "CANCEL")
    assert refused["error_code"] == "0089"
    assert "joined the bundle since" in refused["error_description"]
    assert row_counts(session) == counts
    # Once the added line's order is cancelled, the migration can be undone.
    [added_order] = orders_of(session, account_id, AMPLIACION)
    assert change(api, added_order.work_order_id, "CANCEL") == OK
    assert change(api, order.work_order_id, "CANCEL") == OK


def test_cancel_of_added_lines_ends_only_them(api: ApiCaller, session: Session) -> None:
    account_id = post_signup(api, convergent_signup())["account_info"]["account_id"]
    before = lines_state(session, account_id)
    added = api.post("/signups/subscriptions", json=add_line_body(account_id, "600000050"))
    assert added.status_code == 200, added.text
    new = session.scalars(
        select(Subscription).where(Subscription.identification_nr == "600000050")
    ).one()
    iccid = new.iccid
    assert iccid is not None
    [order] = orders_of(session, account_id, AMPLIACION)

    assert change(api, order.work_order_id, "CANCEL", reason="no la quiere") == OK

    after = lines_state(session, account_id)
    assert after.pop(new.id)[0] == 6  # CANCELADO
    assert after == before  # the lines that were there before are untouched
    pooled = number(session, "600000050")
    assert pooled is not None
    assert (pooled.status, pooled.subscription_id) == (NumberStatus.AVAILABLE, None)
    assert (sim(session, iccid).status_id, sim(session, iccid).subscription_id) == (
        SimStatus.DISPONIBLE,
        None,
    )
    account = session.get(Account, account_id)
    assert account is not None
    assert account.status_id == 3
    penalty = session.scalars(select(ComputedPenalty)).one()
    assert (penalty.status, penalty.reason) == ("CONFIRMED", "cancel")
    assert history(session, order.id)[-1] == (6, "test-key", "CANCEL: no la quiere (seller D001)")
