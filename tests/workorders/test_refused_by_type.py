"""Every cell the table leaves empty is refused (errorVO 0089) on a real order of that type."""

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import WorkOrder
from mascustomers.workorders.change_types import EFFECTS, ChangeType
from mascustomers.workorders.states import WorkOrderType
from tests.bodies import convergent_signup
from tests.catalogue_fixture import BUNDLE_BIG, MOBILE_ONLY_30GB
from tests.factories import ApiCaller
from tests.ops.test_terminations import PETICION_CLIENTE, in_shop, terminate
from tests.penalties.support import post_signup
from tests.signups.test_signup import row_counts
from tests.subscriptions.conftest import mobile
from tests.subscriptions.test_devices import post as post_device
from tests.subscriptions.test_devices import sale
from tests.subscriptions.test_sim_replacement import body as sim_body
from tests.subscriptions.test_sim_replacement import replace
from tests.workorders.test_change_order import change

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
    WorkOrderType.MIGRACION: _migration,
    WorkOrderType.CAMBIO_TARIFA: _tariff_change,
    WorkOrderType.CAMBIO_SIM: _sim_change,
    WorkOrderType.VENTA_TERMINAL: _device_sale,
    WorkOrderType.BAJA: _termination,
}
REFUSED = [
    (kind, change) for kind, row in EFFECTS.items() for change in ChangeType if change not in row
]


def test_the_orders_that_refuse_something_can_all_be_made() -> None:
    assert {kind for kind, _ in REFUSED} == set(MAKE)


@pytest.mark.parametrize(("kind", "changetype"), REFUSED, ids=lambda v: str(getattr(v, "name", v)))
def test_refused_for_the_type(
    api: ApiCaller, session: Session, kind: WorkOrderType, changetype: ChangeType
) -> None:
    MAKE[kind](api)
    order = session.scalars(
        select(WorkOrder).where(WorkOrder.type_id == kind).order_by(WorkOrder.id.desc())
    ).first()
    assert order is not None
    assert order.status_id == 32
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
