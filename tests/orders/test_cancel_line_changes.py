"""CANCEL of an order that changed one line: tariff change, SIM change, device sale.

Each puts back what the line had; a later change of the same line is never overwritten.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.inventory.states import SimStatus
from mascustomers.models import (
    CatalogueProduct,
    Commitment,
    Contract,
    ScheduledOperation,
    Sell,
    SubscriptionProduct,
    SubscriptionService,
    SubscriptionTerminal,
    WorkOrder,
    WorkOrderSubscription,
)
from mascustomers.subscriptions.jobs import apply_scheduled_product_change
from tests.catalogue_fixture import MOBILE_ONLY_20GB, MOBILE_ONLY_30GB, sim_iccid
from tests.factories import ApiCaller
from tests.orders.test_change_order import change, history
from tests.penalties.support import line, sim
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import mobile
from tests.subscriptions.test_devices import post as post_device
from tests.subscriptions.test_devices import sale
from tests.subscriptions.test_sim_replacement import body as sim_body
from tests.subscriptions.test_sim_replacement import replace

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

CAMBIO_TARIFA, CAMBIO_SIM, VENTA_TERMINAL = 3, 5, 6


def orders(session: Session, subscription_id: int, type_id: int) -> list[WorkOrder]:
    session.expire_all()
    return list(
        session.scalars(
            select(WorkOrder)
            .join(WorkOrderSubscription, WorkOrderSubscription.work_order_id == WorkOrder.id)
            .where(
                WorkOrderSubscription.subscription_id == subscription_id,
                WorkOrder.type_id == type_id,
            )
            .order_by(WorkOrder.id)
        )
    )


def services(session: Session, subscription_id: int) -> dict[int, bool]:
    session.expire_all()
    rows = session.scalars(
        select(SubscriptionService).where(SubscriptionService.subscription_id == subscription_id)
    )
    return {row.service_id: row.active for row in rows}


def tariff_change(api: ApiCaller, subscription_id: int, product_id: int, **extra: Any) -> None:
    response = api.patch(
        f"/subscriptions/{subscription_id}/products", json={"productId": product_id, **extra}
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def fewer_services(catalogue: None, session: Session) -> None:
    """The 30GB tariff without service 3: undoing the change must switch it back on."""
    product = session.scalars(
        select(CatalogueProduct).where(CatalogueProduct.product_id == MOBILE_ONLY_30GB)
    ).one()
    product.service_ids = [1, 2]
    session.commit()


@pytest.mark.usefixtures("fewer_services")
def test_cancel_of_a_tariff_change_restores_the_tariff(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    before = services(session, subscription_id)
    tariff_change(api, subscription_id, MOBILE_ONLY_30GB)
    assert services(session, subscription_id)[3] is False
    [order] = orders(session, subscription_id, CAMBIO_TARIFA)

    assert change(api, order.work_order_id, "CANCEL", reason="error")["error_code"] == "0"

    restored = line(session, subscription_id)
    assert (restored.product_id, restored.status_id) == (MOBILE_ONLY_20GB, 3)
    assert services(session, subscription_id) == before
    tariffs = session.scalars(
        select(SubscriptionProduct)
        .where(SubscriptionProduct.subscription_id == subscription_id)
        .order_by(SubscriptionProduct.id)
    ).all()
    assert [(t.product_id, t.reason) for t in tariffs] == [
        (MOBILE_ONLY_20GB, "ALTA"),
        (MOBILE_ONLY_30GB, "CAMBIO_TARIFA"),
        (MOBILE_ONLY_20GB, "ANULA_CAMBIO_TARIFA"),
    ]
    shown = api.get(f"/subscriptions/{subscription_id}/products").json()
    assert shown["product"]["id"] == MOBILE_ONLY_20GB
    assert history(session, order.id)[-1] == (6, "test-key", "CANCEL: error (seller D001)")


def test_cancel_of_a_scheduled_tariff_change_withdraws_it(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    tariff_change(api, subscription_id, MOBILE_ONLY_30GB, scheduled_date="2026-02-01")
    [order] = orders(session, subscription_id, CAMBIO_TARIFA)
    operation = session.scalars(select(ScheduledOperation)).one()

    assert change(api, order.work_order_id, "CANCEL")["error_code"] == "0"

    session.refresh(operation)
    assert operation.status == "CANCELLED"
    due = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    assert apply_scheduled_product_change(session, operation, due) is False
    assert line(session, subscription_id).product_id == MOBILE_ONLY_20GB
    shown = api.get(f"/subscriptions/{subscription_id}/products").json()
    assert shown["product"]["scheduled"]["destination_product"] is None


def test_cancel_after_the_scheduled_change_ran_restores_the_tariff(
    api: ApiCaller, session: Session
) -> None:
    subscription_id = mobile(api)
    tariff_change(api, subscription_id, MOBILE_ONLY_30GB, scheduled_date="2026-02-01")
    [order] = orders(session, subscription_id, CAMBIO_TARIFA)
    operation = session.scalars(select(ScheduledOperation)).one()
    due = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    assert apply_scheduled_product_change(session, operation, due) is True
    session.commit()
    assert line(session, subscription_id).product_id == MOBILE_ONLY_30GB

    assert change(api, order.work_order_id, "CANCEL")["error_code"] == "0"

    assert line(session, subscription_id).product_id == MOBILE_ONLY_20GB


def test_cancel_of_a_tariff_change_waits_for_the_later_one(
    api: ApiCaller, session: Session
) -> None:
    subscription_id = mobile(api)
    tariff_change(api, subscription_id, MOBILE_ONLY_30GB)
    tariff_change(api, subscription_id, MOBILE_ONLY_20GB)
    first, second = orders(session, subscription_id, CAMBIO_TARIFA)
    counts = row_counts(session)
    refused = change(api, first.work_order_id, "CANCEL")
    assert refused["error_code"] == "0089"
    assert f"line {subscription_id} changed tariff since" in refused["error_description"]
    assert row_counts(session) == counts
    assert change(api, second.work_order_id, "CANCEL")["error_code"] == "0"
    assert line(session, subscription_id).product_id == MOBILE_ONLY_30GB
    assert change(api, first.work_order_id, "CANCEL")["error_code"] == "0"
    assert line(session, subscription_id).product_id == MOBILE_ONLY_20GB


def test_cancel_of_a_sim_change_puts_the_old_sim_back(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api, sim=1)
    old_imsi = line(session, subscription_id).imsi
    theft = {"active": True, "reason": "robo"}
    assert api.patch(f"/subscriptions/{subscription_id}/blocks/1", json=theft).status_code == 201
    assert replace(api, subscription_id, sim_body(10)).status_code == 201
    assert line(session, subscription_id).status_id == 3  # the replacement lifted the block
    [order] = orders(session, subscription_id, CAMBIO_SIM)

    assert change(api, order.work_order_id, "CANCEL", reason="SIM erronea")["error_code"] == "0"

    restored = line(session, subscription_id)
    assert (restored.iccid, restored.imsi) == (sim_iccid(1), old_imsi)
    old, new = sim(session, sim_iccid(1)), sim(session, sim_iccid(10))
    assert (old.status_id, old.subscription_id) == (SimStatus.ACTIVA, subscription_id)
    assert (new.status_id, new.subscription_id) == (SimStatus.DISPONIBLE, None)
    # The stolen SIM is in use again: so is its block.
    assert restored.status_id == 9  # BLOQUEADO
    blocks = api.get(f"/subscriptions/{subscription_id}/blocks").json()["items"]
    assert [(b["id"], b["description"]) for b in blocks] == [(1, "robo")]
    contract = session.scalars(
        select(Contract).where(Contract.signature_config == "SIM_REPLACEMENT")
    ).one()
    assert contract.status == "ANULADO"
    sell = session.scalars(select(Sell).where(Sell.kind == "SIM_REPLACEMENT")).one()
    assert sell.status == "CANCELLED"
    assert history(session, order.id)[-1] == (6, "test-key", "CANCEL: SIM erronea (seller D001)")
    # The released SIM can be used again.
    assert replace(api, subscription_id, sim_body(10)).status_code == 201
    assert line(session, subscription_id).iccid == sim_iccid(10)


def test_cancel_of_a_sim_change_waits_for_the_later_one(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api, sim=1)
    assert replace(api, subscription_id, sim_body(10)).status_code == 201
    assert replace(api, subscription_id, sim_body(11)).status_code == 201
    first, second = orders(session, subscription_id, CAMBIO_SIM)
    counts = row_counts(session)
    refused = change(api, first.work_order_id, "CANCEL")
    assert refused["error_code"] == "0089"
    assert "changed SIM since" in refused["error_description"]
    assert row_counts(session) == counts
    assert change(api, second.work_order_id, "CANCEL")["error_code"] == "0"
    assert change(api, first.work_order_id, "CANCEL")["error_code"] == "0"
    assert line(session, subscription_id).iccid == sim_iccid(1)
    assert {sim(session, sim_iccid(i)).status_id for i in (10, 11)} == {SimStatus.DISPONIBLE}


def test_cancel_of_a_device_sale_voids_it(api: ApiCaller, session: Session) -> None:
    subscription_id = mobile(api)
    response = post_device(api, subscription_id, sale())
    assert response.status_code == 201, response.text
    terminal = session.scalars(select(SubscriptionTerminal)).one()
    [order] = orders(session, subscription_id, VENTA_TERMINAL)
    before = line(session, subscription_id)
    kept = (before.status_id, before.product_id, before.iccid)

    assert change(api, order.work_order_id, "CANCEL")["error_code"] == "0"

    session.refresh(terminal)
    assert terminal.status_id == 6
    commitment = session.scalars(
        select(Commitment).where(Commitment.subscription_terminal_id == terminal.id)
    ).one()
    assert commitment.cancelled_at is not None
    after = line(session, subscription_id)
    assert (after.status_id, after.product_id, after.iccid) == kept
    contract = session.scalars(
        select(Contract).where(Contract.signature_config == "TERMINAL")
    ).one()
    assert contract.status == "ANULADO"


def test_cancel_of_a_device_sale_with_billed_installments_is_refused(
    api: ApiCaller, session: Session
) -> None:
    subscription_id = mobile(api)
    assert post_device(api, subscription_id, sale()).status_code == 201
    terminal = session.scalars(select(SubscriptionTerminal)).one()
    terminal.installments_billed = 1
    session.commit()
    [order] = orders(session, subscription_id, VENTA_TERMINAL)
    counts = row_counts(session)
    refused = change(api, order.work_order_id, "CANCEL")
    assert refused["error_code"] == "0089"
    assert "installments invoiced" in refused["error_description"]
    assert row_counts(session) == counts


def test_a_cancelled_sim_change_does_not_count_towards_the_review(
    api: ApiCaller, session: Session
) -> None:
    subscription_id = mobile(api, sim=1)
    assert replace(api, subscription_id, sim_body(10)).status_code == 201
    assert replace(api, subscription_id, sim_body(11)).status_code == 201
    _, second = orders(session, subscription_id, CAMBIO_SIM)
    assert change(api, second.work_order_id, "CANCEL")["error_code"] == "0"
    # Two replacements in 30 days would send the third to review: one of them was undone.
    third = replace(api, subscription_id, sim_body(12))
    assert third.status_code == 201, third.text
    assert line(session, subscription_id).iccid == sim_iccid(12)
