"""Work-order types and statuses (master data ids; 32 PENDIENTE CREAR OT as in the reference)."""

from enum import IntEnum


class WorkOrderType(IntEnum):
    ALTA = 1
    BAJA = 2
    CAMBIO_TARIFA = 3
    MIGRACION = 4
    CAMBIO_SIM = 5
    VENTA_TERMINAL = 6
    AMPLIACION = 7

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


class WorkOrderStatus(IntEnum):
    PENDIENTE_RIESGO = 5
    CANCELADA = 6
    PENDIENTE_CREAR_OT = 32
    EN_CURSO = 33
    COMPLETADA = 34

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @property
    def is_final(self) -> bool:
        return self in (WorkOrderStatus.CANCELADA, WorkOrderStatus.COMPLETADA)
