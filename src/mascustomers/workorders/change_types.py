"""Change-order types and the work-order statuses each is allowed in (a pure table).

``POST /v2/workorders/change-order`` ``changetype`` (any case):

- ``CANCEL`` — cancel the order: its lines still to provision go to CANCELADO, their numbers
  return to the pool and their SIMs to stock, and the org's ADMCOSTCANCELCOST is charged.
- ``RESCHEDULE`` — ``parameters`` is the new installation date ``YYYY-MM-DD`` (after today).
- ``CHANGE_CONTACT`` / ``CHANGE_ADDRESS`` — ``parameters`` is the JSON text of the new
  installation contact / address, stored in the order's installation details.
- ``COMPLETE`` — provisioning done: fixed lines PENDIENTE INSTALACION → INSTALADO, the TV
  follows its fixed line, the order → COMPLETADA.

Every change needs an open order (PENDIENTE CREAR OT or EN CURSO). An order held by risk
(PENDIENTE RIESGO) is decided through the back office's risk holds, and a final one
(COMPLETADA, CANCELADA) does not change any more.
"""

from enum import StrEnum

from mascustomers.workorders.states import WorkOrderStatus


class ChangeType(StrEnum):
    CANCEL = "CANCEL"
    RESCHEDULE = "RESCHEDULE"
    CHANGE_CONTACT = "CHANGE_CONTACT"
    CHANGE_ADDRESS = "CHANGE_ADDRESS"
    COMPLETE = "COMPLETE"


_OPEN = frozenset({WorkOrderStatus.PENDIENTE_CREAR_OT, WorkOrderStatus.EN_CURSO})

ALLOWED_FROM: dict[ChangeType, frozenset[WorkOrderStatus]] = {
    ChangeType.CANCEL: _OPEN,
    ChangeType.RESCHEDULE: _OPEN,
    ChangeType.CHANGE_CONTACT: _OPEN,
    ChangeType.CHANGE_ADDRESS: _OPEN,
    ChangeType.COMPLETE: _OPEN,
}


def parse_change_type(text: str) -> ChangeType | None:
    """The change type named by ``text`` (case and surrounding blanks ignored), or None."""
    try:
        return ChangeType(text.strip().upper())
    except ValueError:
        return None


def is_allowed(change: ChangeType, status: WorkOrderStatus) -> bool:
    return status in ALLOWED_FROM[change]
