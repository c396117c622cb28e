"""Every cell of the change-order table on a real order of its type, through the HTTP API.

CANCEL has its own tests (test_cancel_*); here every other change that the table allows is
applied, and every cell it leaves empty is refused (errorVO 0089) with nothing written.
"""

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import Subscription, WorkOrder, WorkOrderSubscription
from mascustomers.workorders.change_types import EFFECTS, ChangeType, Effect
from mascustomers.workorders.states import WorkOrderType
from tests.bodies import convergent_signup
from tests.catalogue_fixture import BUNDLE_BIG, MOBILE_ONLY_30GB, TV_FUTBOL
from tests.factories import ApiCaller
from tests.ops.test_terminations import PETICION_CLIENTE, in_shop, terminate
from tests.orders.test_change_order import change, history
from tests.penalties.support import post_signup
from tests.signups.test_account_operations import add_lines_body
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import mobile
from tests.subscriptions.test_devices import post as post_device
from tests.subscriptions.test_devices import sale
from tests.subscriptions.test_sim_replacement import body as sim_body
from tests.subscriptions.test_sim_replacement import replace

pytestmark = pytest.mark.usefixtures("catalogue", "clock")

PARAMETERS = {
    ChangeType.CANCEL: None,
    ChangeType.COMPLETE: None,
    ChangeType.RESCHEDULE: "2026-02-01",
    ChangeType.CHANGE_CONTACT: json.dumps({"name": "Ana", "phone": "699111222"}),
    ChangeType.CHANGE_ADDRESS: json.dumps(
        {"street_name": "CALLE MAYOR", "state_id": 28, "locality": "MADRID", "postal_code": "28001"}
    ),
}


def _signup(api: ApiCaller) -> None:
    post_signup(api, convergent_signup())


def _added_lines(api: ApiCaller) -> None:
    """TV added to a convergent account: its AMPLIACION order waits for the technician."""
    account_id = post_signup(api, convergent_signup(with_tv=False))["account_info"]["account_id"]
    tv = {"product_id": TV_FUTBOL, "registration_email": "tv@example.es"}
    response = api.post("/signups/subscriptions", json=add_lines_body(account_id, [], tv=tv))
    assert response.status_code == 200, response.text


def _migration(api: ApiCaller) -> None:
    account_id = post_signup(api, convergent_signup())["account_info"]["account_id"]
    body = {"account": {"account_id": account_id, "new_bundle_id": BUNDLE_BIG}}
    assert api.post("/signups/migration", json=body).status_code == 200


def _tariff_change(api: ApiCaller) -> None:
    line = mobile(api)
    response = api.patch(f"/subscriptions/{line}/products", json={"productId": MOBILE_ONLY_30GB})
    assert response.status_code == 201, response.text


def _sim_change(api: ApiCaller) -> None:
    assert replace(api, mobile(api, sim=1), sim_body(10)).status_code == 201


def _device_sale(api: ApiCaller) -> None:
    assert post_device(api, mobile(api), sale()).status_code == 201


def _termination(api: ApiCaller) -> None:
    line = in_shop(api)["account_info"]["subscriptions"][0]["subscription_id"]
    body = {"motive_id": PETICION_CLIENTE, "deactivation_date": "2026-02-01"}
    assert terminate(api, line, **body).status_code == 200


MAKE: dict[WorkOrderType, Callable[[ApiCaller], None]] = {
    WorkOrderType.ALTA: _signup,
    WorkOrderType.AMPLIACION: _added_lines,
    WorkOrderType.MIGRACION: _migration,
    WorkOrderType.CAMBIO_TARIFA: _tariff_change,
    WorkOrderType.CAMBIO_SIM: _sim_change,
    WorkOrderType.VENTA_TERMINAL: _device_sale,
    WorkOrderType.BAJA: _termination,
}
REFUSED = [
    (kind, change) for kind, row in EFFECTS.items() for change in ChangeType if change not in row
]
APPLIED = [(kind, change) for kind, row in EFFECTS.items() for change in row if change != "CANCEL"]


def test_every_type_can_be_made() -> None:
    assert set(MAKE) == set(WorkOrderType)


def newest(session: Session, kind: WorkOrderType) -> WorkOrder:
    session.expire_all()
    order = session.scalars(
        select(WorkOrder).where(WorkOrder.type_id == kind).order_by(WorkOrder.id.desc())
    ).first()
    assert order is not None
    assert order.status_id == 32
    return order


def reread(session: Session, order: WorkOrder) -> WorkOrder:
    session.expire_all()
    found = session.get(WorkOrder, order.id)
    assert found is not None
    return found


def lines_of(session: Session, order: WorkOrder) -> list[tuple[int, int, int]]:
    session.expire_all()
    rows = session.scalars(
        select(Subscription)
        .join(WorkOrderSubscription, WorkOrderSubscription.subscription_id == Subscription.id)
        .where(WorkOrderSubscription.work_order_id == order.id)
        .order_by(Subscription.id)
    )
    return [(s.id, s.status_id, s.product_id) for s in rows]


@pytest.mark.parametrize(("kind", "changetype"), APPLIED, ids=lambda v: str(getattr(v, "name", v)))
def test_applied_for_the_type(
    api: ApiCaller, session: Session, kind: WorkOrderType, changetype: ChangeType
) -> None:
    MAKE[kind](api)
    order = newest(session, kind)
    before = lines_of(session, order)
    answer = change(api, order.work_order_id, changetype.value, PARAMETERS[changetype])
    assert answer["error_code"] == "0", answer
    done = reread(session, order)
    expected = 34 if changetype is ChangeType.COMPLETE else 32
    assert done.status_id == expected
    assert history(session, order.id)[-1] == (
        expected,
        "test-key",
        f"{changetype.value}: peticion cliente (seller D001)",
    )
    after = lines_of(session, order)
    if EFFECTS[kind][changetype] is Effect.INSTALL:
        # Lines waiting for the technician (PENDIENTE INSTALACION) → INSTALADO; nothing else.
        moved = [(b, a) for b, a in zip(before, after, strict=True) if a != b]
        assert moved
        assert all((b[1], a[1]) == (4, 1) for b, a in moved)
    else:
        assert after == before  # the lines stay as the order left them
    if changetype is ChangeType.RESCHEDULE:
        assert done.scheduled_date == date(2026, 2, 1)
    if changetype is ChangeType.CHANGE_CONTACT:
        assert done.installation is not None
        assert done.installation["contact"]["name"] == "Ana"
    if changetype is ChangeType.CHANGE_ADDRESS:
        assert done.installation is not None
        assert done.installation["address"]["postal_code"] == "28001"


@pytest.mark.parametrize(("kind", "changetype"), REFUSED, ids=lambda v: str(getattr(v, "name", v)))
def test_refused_for_the_type(
    api: ApiCaller, session: Session, kind: WorkOrderType, changetype: ChangeType
) -> None:
    MAKE[kind](api)
    order = newest(session, kind)
    counts = row_counts(session)
    answer = change(api, order.work_order_id, changetype.value, PARAMETERS[changetype])
    assert answer["error_code"] == "0089", answer
    assert f"{kind.label} order" in answer["error_description"]
    assert row_counts(session) == counts
    # The back office answers the same rule with a 400.
    if changetype in (ChangeType.CANCEL, ChangeType.COMPLETE):
        path = f"/ops/work-orders/{order.work_order_id}/{changetype.value.lower()}"
        response = api.post(path)
        assert response.status_code == 400
        assert response.json()["code"] == "0089"
