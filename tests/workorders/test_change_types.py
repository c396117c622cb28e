"""The change-order table (pure): every work-order type, change type and status."""

import pytest

from mascustomers.workorders.change_types import (
    EFFECTS,
    OPEN,
    ChangeType,
    Effect,
    decide,
    parse_change_type,
)
from mascustomers.workorders.errors import ChangeNotAllowed
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType


def test_every_work_order_type_has_a_row_and_cancel_undoes_it() -> None:
    assert set(EFFECTS) == set(WorkOrderType)
    for kind, row in EFFECTS.items():
        assert row[ChangeType.CANCEL].cancels, kind
        assert all(not effect.cancels for change, effect in row.items() if change != "CANCEL")


def test_only_orders_that_add_lines_end_lines() -> None:
    ending = {kind for kind, row in EFFECTS.items() if Effect.END_NEW_LINES in row.values()}
    assert ending == {WorkOrderType.ALTA, WorkOrderType.AMPLIACION}


@pytest.mark.parametrize("kind", list(WorkOrderType))
@pytest.mark.parametrize("change", list(ChangeType))
@pytest.mark.parametrize("status", list(WorkOrderStatus))
def test_decide(kind: WorkOrderType, change: ChangeType, status: WorkOrderStatus) -> None:
    cell = EFFECTS[kind].get(change)
    if status in OPEN and cell is not None:
        assert decide(order="OT1", kind=kind, status=status, change=change) is cell
        return
    with pytest.raises(ChangeNotAllowed) as refused:
        decide(order="OT1", kind=kind, status=status, change=change)
    assert refused.value.error.code == "0089"
    assert "OT1" in refused.value.detail
    if status in OPEN:
        assert kind.label in refused.value.detail  # refused by the type, not the status
    else:
        assert status.label in refused.value.detail


def test_parse_change_type() -> None:
    assert parse_change_type(" cancel ") is ChangeType.CANCEL
    assert parse_change_type("Change_Address") is ChangeType.CHANGE_ADDRESS
    assert parse_change_type("EXPLODE") is None
