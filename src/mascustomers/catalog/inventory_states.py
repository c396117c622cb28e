"""Inventory states: pool numbers and SIM cards (``simcard_status_id`` of simcard-info)."""

from enum import IntEnum, StrEnum

YOIGO_HOST_CFG = 1
HOST_CFG_NAMES = {YOIGO_HOST_CFG: "YOIGO"}


class NumberStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    RESERVED = "RESERVED"
    ASSIGNED = "ASSIGNED"
    # A number ported in from another operator: owned by the line while it lives.
    PORTED_IN = "PORTED_IN"


class SimStatus(IntEnum):
    DISPONIBLE = 1
    RESERVADA = 2
    ACTIVA = 3
    SUSTITUIDA = 4
    BAJA = 5

    @property
    def label(self) -> str:
        return self.name


class SimOrigin(IntEnum):
    ALMACEN = 1
    TIENDA = 2
    LOGISTICA = 3
