"""Subscription types, statuses and the legal status moves (a pure table).

The ids and labels are master data (``catalog.statuses``); this module owns the legal moves.
"""

from mascustomers.catalog.statuses import SubscriptionOrigin as Origin
from mascustomers.catalog.statuses import SubscriptionStatus, SubscriptionType
from mascustomers.errors import DomainError, ErrorCode

__all__ = [
    "TRANSITIONS",
    "IllegalStatusChange",
    "Origin",
    "SubscriptionStatus",
    "SubscriptionType",
    "check_transition",
]


S = SubscriptionStatus
TRANSITIONS: dict[SubscriptionStatus, frozenset[SubscriptionStatus]] = {
    S.PENDIENTE_RIESGO: frozenset(
        {S.PENDIENTE_ALTA, S.PENDIENTE_INSTALACION, S.ACTIVO, S.CANCELADO}
    ),
    S.PENDIENTE_ALTA: frozenset({S.ACTIVO, S.CANCELADO}),
    S.PENDIENTE_INSTALACION: frozenset({S.INSTALADO, S.CANCELADO}),
    S.ACTIVO: frozenset({S.PENDIENTE_A_DESACTIVAR, S.BAJA, S.SUSPENDIDO, S.BLOQUEADO}),
    S.SUSPENDIDO: frozenset({S.ACTIVO, S.PENDIENTE_A_DESACTIVAR, S.BAJA}),
    S.BLOQUEADO: frozenset({S.ACTIVO, S.PENDIENTE_A_DESACTIVAR, S.BAJA}),
    S.INSTALADO: frozenset({S.PENDIENTE_A_DESACTIVAR, S.BAJA}),
    # Back to where it was when a scheduled termination is withdrawn.
    S.PENDIENTE_A_DESACTIVAR: frozenset({S.BAJA, S.ACTIVO, S.INSTALADO, S.SUSPENDIDO, S.BLOQUEADO}),
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
