"""The subscription jobs, called directly as the scheduler will: once, when due."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.kit.clock import today
from mascustomers.models import ScheduledOperation, SubscriptionBonus, SubscriptionProduct
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.jobs import apply_scheduled_product_change, end_scheduled_bonus
from mascustomers.subscriptions.states import SubscriptionStatus
from tests.catalogue_fixture import BONUS_DAY, MOBILE_ONLY_20GB
from tests.factories import ApiCaller
from tests.subscriptions.conftest import MOBILE_40GB, line, mobile

pytestmark = pytest.mark.usefixtures("catalogue")


def scheduled(api: ApiCaller, session: Session) -> tuple[int, ScheduledOperation]:
    subscription_id = mobile(api)
    day = (today() + timedelta(days=5)).isoformat()
    response = api.patch(
        f"/subscriptions/{subscription_id}/products",
        json={"productId": MOBILE_40GB, "scheduled_date": day},
    )
    assert response.status_code == 201, response.text
    session.expire_all()
    operation = session.scalars(
        select(ScheduledOperation).where(ScheduledOperation.subscription_id == subscription_id)
    ).one()
    return subscription_id, operation


def test_runs_once_when_due(api: ApiCaller, session: Session) -> None:
    subscription_id, operation = scheduled(api, session)
    early = operation.due_at - timedelta(seconds=1)
    assert apply_scheduled_product_change(session, operation, early) is False
    assert operation.status == "PENDING"
    due = operation.due_at + timedelta(minutes=1)
    assert apply_scheduled_product_change(session, operation, due) is True
    session.commit()
    assert line(session, subscription_id).product_id == MOBILE_40GB
    assert operation.status == "DONE"
    assert operation.done_at == due
    periods = session.scalars(
        select(SubscriptionProduct)
        .where(SubscriptionProduct.subscription_id == subscription_id)
        .order_by(SubscriptionProduct.id)
    ).all()
    assert [(p.product_id, p.ended_at) for p in periods] == [
        (MOBILE_ONLY_20GB, due),
        (MOBILE_40GB, None),
    ]
    assert periods[1].reason == "CAMBIO_PROGRAMADO"
    assert apply_scheduled_product_change(session, operation, due) is False
    assert (
        len(
            session.scalars(
                select(SubscriptionProduct).where(
                    SubscriptionProduct.subscription_id == subscription_id
                )
            ).all()
        )
        == 2
    )
    shown = api.get(f"/subscriptions/{subscription_id}/products").json()["product"]
    assert shown["id"] == MOBILE_40GB
    assert shown["scheduled"]["destination_product"] is None


def test_ended_line_cancels_the_change(api: ApiCaller, session: Session) -> None:
    subscription_id, operation = scheduled(api, session)
    subscriptions_service.move_status(
        session,
        subscription=line(session, subscription_id),
        target=SubscriptionStatus.BAJA,
        actor="test",
        now=datetime.now(UTC),
    )
    assert apply_scheduled_product_change(session, operation, operation.due_at) is False
    assert operation.status == "CANCELLED"
    assert line(session, subscription_id).product_id == MOBILE_ONLY_20GB


def test_other_kinds_are_refused(api: ApiCaller, session: Session) -> None:
    _, operation = scheduled(api, session)
    operation.kind = "PORTABILITY_WINDOW"
    with pytest.raises(ValueError, match="not PRODUCT_CHANGE"):
        apply_scheduled_product_change(session, operation, operation.due_at)


def limited_bonus(api: ApiCaller, session: Session) -> tuple[int, ScheduledOperation]:
    subscription_id = mobile(api)
    response = api.put(f"/subscriptions/{subscription_id}/bonuses", json={"bonusId": BONUS_DAY})
    assert response.status_code == 201, response.text
    session.expire_all()
    operation = session.scalars(
        select(ScheduledOperation).where(ScheduledOperation.subscription_id == subscription_id)
    ).one()
    return subscription_id, operation


def bonus_row(session: Session, subscription_id: int) -> SubscriptionBonus:
    session.expire_all()
    return session.scalars(
        select(SubscriptionBonus).where(SubscriptionBonus.subscription_id == subscription_id)
    ).one()


def test_a_bonus_end_runs_once_when_due(api: ApiCaller, session: Session) -> None:
    subscription_id, operation = limited_bonus(api, session)
    assert (operation.kind, operation.payload) == ("BONUS_END", {"bonus_id": BONUS_DAY})
    assert operation.due_at == bonus_row(session, subscription_id).end_at
    assert end_scheduled_bonus(session, operation, operation.due_at - timedelta(seconds=1)) is False
    assert operation.status == "PENDING"
    assert bonus_row(session, subscription_id).ended_by is None
    late = operation.due_at + timedelta(minutes=5)
    assert end_scheduled_bonus(session, operation, late) is True
    session.commit()
    assert (operation.status, operation.done_at) == ("DONE", late)
    row = bonus_row(session, subscription_id)
    # The end stays the bonus's own instant, whenever the scheduler got to it.
    assert (row.ended_by, row.end_at) == ("scheduler", operation.due_at)
    assert end_scheduled_bonus(session, operation, late) is False


def test_a_bonus_end_whose_bonus_was_removed_is_cancelled(api: ApiCaller, session: Session) -> None:
    subscription_id, operation = limited_bonus(api, session)
    # As if the removal had not found it (e.g. written by an older version).
    row = bonus_row(session, subscription_id)
    row.end_at = row.start_at
    row.ended_by = "someone"
    session.commit()
    assert end_scheduled_bonus(session, operation, operation.due_at) is False
    assert operation.status == "CANCELLED"
    assert bonus_row(session, subscription_id).ended_by == "someone"


def test_a_bonus_end_refuses_other_kinds(api: ApiCaller, session: Session) -> None:
    _, operation = limited_bonus(api, session)
    operation.kind = "PRODUCT_CHANGE"
    with pytest.raises(ValueError, match="not BONUS_END"):
        end_scheduled_bonus(session, operation, operation.due_at)
