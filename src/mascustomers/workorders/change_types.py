"""What each change order does to each kind of work order: the one table (pure).

``POST /v2/workorders/change-order`` names a ``changetype`` (any case); the back office's
``ops/work-orders/{id}/complete|cancel`` and the CLI's ``ops complete|cancel`` name one too.
All of them go through ``decide``: the order must be open (PENDIENTE CREAR OT or EN CURSO) —
an order held by risk (PENDIENTE RIESGO) is decided through the risk holds and a final one
(COMPLETADA, CANCELADA) does not change any more — and ``EFFECTS`` must have a cell for the
order's type and the change. Anything else is ``ChangeNotAllowed`` (0089) before any write.

CANCEL undoes *that order's* change and nothing else: lines that existed before the order
never end because of it. ``docs/work-orders.md`` is rendered from this module.
"""

from enum import StrEnum

from mascustomers.workorders.errors import ChangeNotAllowed
from mascustomers.workorders.states import WorkOrderStatus, WorkOrderType


class ChangeType(StrEnum):
    CANCEL = "CANCEL"
    RESCHEDULE = "RESCHEDULE"
    CHANGE_CONTACT = "CHANGE_CONTACT"
    CHANGE_ADDRESS = "CHANGE_ADDRESS"
    COMPLETE = "COMPLETE"


class Effect(StrEnum):
    """What a change does; ``DESCRIPTIONS`` says it in words (docs and OpenAPI)."""

    END_NEW_LINES = "END_NEW_LINES"
    RESTORE_BUNDLE = "RESTORE_BUNDLE"
    RESTORE_TARIFF = "RESTORE_TARIFF"
    RESTORE_SIM = "RESTORE_SIM"
    VOID_DEVICE_SALE = "VOID_DEVICE_SALE"
    KEEP_LINE_LIVE = "KEEP_LINE_LIVE"
    INSTALL = "INSTALL"
    CLOSE = "CLOSE"
    NEW_DATE = "NEW_DATE"
    NEW_CONTACT = "NEW_CONTACT"
    NEW_ADDRESS = "NEW_ADDRESS"

    @property
    def cancels(self) -> bool:
        return self in _CANCELLING

    @property
    def completes(self) -> bool:
        return self in (Effect.INSTALL, Effect.CLOSE)


_CANCELLING = frozenset(
    {
        Effect.END_NEW_LINES,
        Effect.RESTORE_BUNDLE,
        Effect.RESTORE_TARIFF,
        Effect.RESTORE_SIM,
        Effect.VOID_DEVICE_SALE,
        Effect.KEEP_LINE_LIVE,
    }
)

DESCRIPTIONS: dict[Effect, str] = {
    Effect.END_NEW_LINES: (
        "the order's lines not live yet (PENDIENTE ALTA, PENDIENTE INSTALACION) → CANCELADO: "
        "their numbers back to the pool, their SIMs back in stock, their device sales and "
        "commitments void; lines already live stay. The org's ADMCOSTCANCELCOST is charged "
        "when a line was cancelled; a bundle (and the account) left without a live line closes"
    ),
    Effect.RESTORE_BUNDLE: (
        "the migration is undone: the lines go back to the account bundle they had (reopened), "
        "each with the tariff it had before (a new tariff period, reason ANULA_MIGRACION); "
        "their statuses stay; the migration's bundle → CANCELADO and its contract ANULADO"
    ),
    Effect.RESTORE_TARIFF: (
        "a change still scheduled is withdrawn (its scheduled operation CANCELLED); an applied "
        "one is undone: the previous tariff again (reason ANULA_CAMBIO_TARIFA) with its services"
    ),
    Effect.RESTORE_SIM: (
        "the line gets its previous SIM back (bound, ACTIVA; RESERVADA while the line awaits "
        "activation) and the new SIM returns to stock (DISPONIBLE); blocks the replacement "
        "lifted are in force again; the SIM_REPLACEMENT contract ANULADO"
    ),
    Effect.VOID_DEVICE_SALE: (
        "the terminal sale is void: the terminal → cancelled (6), its commitment ends, its "
        "TERMINAL contract ANULADO; the line stays as it is"
    ),
    Effect.KEEP_LINE_LIVE: (
        "the scheduled termination is withdrawn: its DEACTIVATION scheduled operation "
        "CANCELLED, the line back from PENDIENTE A DESACTIVAR to the status it had, the "
        "penalty confirmed with the termination deleted"
    ),
    Effect.INSTALL: (
        "provisioning done: fixed lines PENDIENTE INSTALACION → INSTALADO, the TV follows its "
        "fixed line; the order → COMPLETADA"
    ),
    Effect.CLOSE: "provisioning done: the order → COMPLETADA; its change stays as applied",
    Effect.NEW_DATE: "``parameters`` is the new installation date YYYY-MM-DD (after today)",
    Effect.NEW_CONTACT: "``parameters`` is the JSON text of the new installation contact",
    Effect.NEW_ADDRESS: "``parameters`` is the JSON text of the new installation address",
}

T, C, E = WorkOrderType, ChangeType, Effect
# The installation visit of new lines: its date, contact and address can change.
_VISIT = {
    C.RESCHEDULE: E.NEW_DATE,
    C.CHANGE_CONTACT: E.NEW_CONTACT,
    C.CHANGE_ADDRESS: E.NEW_ADDRESS,
}

# A missing cell: the change is not allowed for that type of order (0089).
EFFECTS: dict[WorkOrderType, dict[ChangeType, Effect]] = {
    T.ALTA: {C.CANCEL: E.END_NEW_LINES, C.COMPLETE: E.INSTALL, **_VISIT},
    T.AMPLIACION: {C.CANCEL: E.END_NEW_LINES, C.COMPLETE: E.INSTALL, **_VISIT},
    T.MIGRACION: {C.CANCEL: E.RESTORE_BUNDLE, C.COMPLETE: E.CLOSE},
    T.CAMBIO_TARIFA: {C.CANCEL: E.RESTORE_TARIFF, C.COMPLETE: E.CLOSE},
    T.CAMBIO_SIM: {C.CANCEL: E.RESTORE_SIM, C.COMPLETE: E.CLOSE},
    T.VENTA_TERMINAL: {C.CANCEL: E.VOID_DEVICE_SALE, C.COMPLETE: E.CLOSE},
    # Completed by its DEACTIVATION when that falls due, not by hand.
    T.BAJA: {C.CANCEL: E.KEEP_LINE_LIVE},
}

OPEN = frozenset({WorkOrderStatus.PENDIENTE_CREAR_OT, WorkOrderStatus.EN_CURSO})


def parse_change_type(text: str) -> ChangeType | None:
    """The change type named by ``text`` (case and surrounding blanks ignored), or None."""
    try:
        return ChangeType(text.strip().upper())
    except ValueError:
        return None


def decide(
    *, order: str, kind: WorkOrderType, status: WorkOrderStatus, change: ChangeType
) -> Effect:
    """The effect of ``change`` on work order ``order``; ``ChangeNotAllowed`` when refused."""
    if status not in OPEN:
        why = (
            "it is decided through the risk holds"
            if status is WorkOrderStatus.PENDIENTE_RIESGO
            else "it does not change any more"
        )
        raise ChangeNotAllowed(
            f"work order {order} is {status.label}: {change.value} is not allowed ({why})"
        )
    effect = EFFECTS[kind].get(change)
    if effect is None:
        allowed = ", ".join(c.value for c in EFFECTS[kind])
        raise ChangeNotAllowed(
            f"work order {order} is a {kind.label} order: {change.value} is not allowed "
            f"(allowed: {allowed})"
        )
    return effect
