"""Account statuses and billing types (master data ids; 3 ACTIVO as in the reference)."""

from enum import IntEnum


class AccountStatus(IntEnum):
    PENDIENTE_ALTA = 2
    ACTIVO = 3
    PENDIENTE_RIESGO = 5
    CANCELADO = 6
    BAJA = 7

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


class BillingType(IntEnum):
    POSPAGO = 1
    PREPAGO = 2

    @property
    def label(self) -> str:
        return self.name
