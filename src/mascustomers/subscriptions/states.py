"""Subscription types, statuses and the legal status moves (a pure table).

Ids are stable master data (the reference shows 1 INSTALADO, 3 ACTIVO, 82 PENDIENTE A
DESACTIVAR); names are the values the API returns.
"""

from enum import IntEnum

from mascustomers.errors import DomainError, ErrorCode


class SubscriptionType(IntEnum):
    PREPAID_MOBILE = 1
    POSTPAID_MOBILE = 2
    LANDLINE = 3
    FTTH = 4
    ADSL = 5
    TV = 6
    OTT = 7
    DEVICE_INSURANCE = 11
    NETFLIX = 12
    APPLE_WATCH = 13

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]

    @property
    def is_mobile(self) -> bool:
        return self in (SubscriptionType.PREPAID_MOBILE, SubscriptionType.POSTPAID_MOBILE)

    @property
    def is_fixed_access(self) -> bool:
        return self in (SubscriptionType.LANDLINE, SubscriptionType.FTTH, SubscriptionType.ADSL)


_TYPE_LABELS = {
    SubscriptionType.PREPAID_MOBILE: "PRE-PAGO",
    SubscriptionType.POSTPAID_MOBILE: "POST-PAGO",
    SubscriptionType.LANDLINE: "FIJO",
    SubscriptionType.FTTH: "FTTH",
    SubscriptionType.ADSL: "ADSL",
    SubscriptionType.TV: "TV",
    SubscriptionType.OTT: "OTT",
    SubscriptionType.DEVICE_INSURANCE: "SEGURO DISPOSITIVO",
    SubscriptionType.NETFLIX: "NETFLIX",
    SubscriptionType.APPLE_WATCH: "APPLE WATCH",
}


class SubscriptionStatus(IntEnum):
    INSTALADO = 1
    PENDIENTE_ALTA = 2
    ACTIVO = 3
    PENDIENTE_INSTALACION = 4
    PENDIENTE_RIESGO = 5
    CANCELADO = 6
    BAJA = 7
    PENDIENTE_A_DESACTIVAR = 82

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @property
    def is_ended(self) -> bool:
        return self in (SubscriptionStatus.CANCELADO, SubscriptionStatus.BAJA)

    @property
    def is_in_service(self) -> bool:
        return self in (SubscriptionStatus.ACTIVO, SubscriptionStatus.INSTALADO)


class Origin(IntEnum):
    NUEVA = 1
    PORTABILIDAD = 2
    MIGRACION = 3

    @property
    def label(self) -> str:
        return self.name


S = SubscriptionStatus
TRANSITIONS: dict[SubscriptionStatus, frozenset[SubscriptionStatus]] = {
    S.PENDIENTE_RIESGO: frozenset(
        {S.PENDIENTE_ALTA, S.PENDIENTE_INSTALACION, S.ACTIVO, S.CANCELADO}
    ),
    S.PENDIENTE_ALTA: frozenset({S.ACTIVO, S.CANCELADO}),
    S.PENDIENTE_INSTALACION: frozenset({S.INSTALADO, S.CANCELADO}),
    S.ACTIVO: frozenset({S.PENDIENTE_A_DESACTIVAR, S.BAJA}),
    S.INSTALADO: frozenset({S.PENDIENTE_A_DESACTIVAR, S.BAJA}),
    S.PENDIENTE_A_DESACTIVAR: frozenset({S.BAJA, S.ACTIVO, S.INSTALADO}),
    S.CANCELADO: frozenset(),
    S.BAJA: frozenset(),
}


class IllegalStatusChange(DomainError):
    error = ErrorCode.ILLEGAL_STATUS_CHANGE


def check_transition(current: SubscriptionStatus, target: SubscriptionStatus) -> None:
    """Raise ``IllegalStatusChange`` unless ``current`` → ``target`` is in the table."""
    if target not in TRANSITIONS[current]:
        raise IllegalStatusChange(
            f"a subscription in status {current.label} cannot move to {target.label}"
        )
