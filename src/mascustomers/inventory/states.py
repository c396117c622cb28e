"""Inventory states: pool numbers and SIM cards (``simcard_status_id`` of simcard-info)."""

from enum import IntEnum, StrEnum

from mascustomers.catalog.statuses import SimCardStatus

YOIGO_HOST_CFG = 1
HOST_CFG_NAMES = {YOIGO_HOST_CFG: "YOIGO"}


class NumberStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    RESERVED = "RESERVED"
    ASSIGNED = "ASSIGNED"
    # A number ported in from another operator: owned by the line while it lives.
    PORTED_IN = "PORTED_IN"


# The simcard_status_id of simcard-info; ids are master data.
SimStatus = SimCardStatus


class SimOrigin(IntEnum):
    ALMACEN = 1
    TIENDA = 2
    LOGISTICA = 3
