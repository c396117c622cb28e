"""The change-order table as Markdown: the OpenAPI description of change-order and the doc.

``docs/work-orders.md`` is ``python -m mascustomers.workorders.change_docs`` (a test keeps it
current); both are rendered from ``change_types``, the table the code applies.
"""

from mascustomers.workorders.change_types import DESCRIPTIONS, EFFECTS, OPEN, ChangeType, Effect
from mascustomers.workorders.states import WorkOrderType

_REFUSED = "refused (0089)"


def render_table() -> str:
    """Work-order types down, change types across; each cell the effect or the refusal."""
    changes = list(ChangeType)
    rows = [
        f"| {kind.label} ({kind.value}) | "
        + " | ".join(_cell(EFFECTS[kind].get(change)) for change in changes)
        + " |"
        for kind in WorkOrderType
    ]
    return "\n".join(
        [
            "| work order | " + " | ".join(c.value for c in changes) + " |",
            "|---|" + "---|" * len(changes),
            *rows,
        ]
    )


def _cell(effect: Effect | None) -> str:
    return _REFUSED if effect is None else f"`{effect.value}`"


def render_effects() -> str:
    return "\n".join(f"- `{effect.value}`: {DESCRIPTIONS[effect]}." for effect in Effect)


def render_rules() -> str:
    statuses = " or ".join(status.label for status in sorted(OPEN))
    return (
        f"A change needs an open order ({statuses}); an order held by risk (PENDIENTE "
        "RIESGO) is decided through the back office's risk holds, and a final one "
        "(COMPLETADA, CANCELADA) does not change any more. CANCEL undoes that order's own "
        "change: lines that existed before the order never end because of it. An undo "
        "needs the lines as the order left them: when a later change moved them on (another "
        "tariff, SIM or bundle, a line ended or added to the bundle), the cancel is refused "
        "and nothing changes — cancel the later order first. Every applied change adds a "
        "row to the order's status history with the actor and the reason; a cancel also "
        "marks the order's sell CANCELLED. Refusals: `POST /v2/workorders/change-order` "
        'answers 200 with `errorVO.error_code` "0089"; the back office '
        "(`POST /v2/orgs/{orgId}/ops/work-orders/{id}/complete|cancel`, CLI `mascustomers "
        "ops complete|cancel`) answers 400 with code 0089. A BAJA order is completed by its "
        "DEACTIVATION when that falls due, not by hand. Only `END_NEW_LINES` charges the "
        "administrative cost of a cancellation."
    )


def render_document() -> str:
    return (
        "# Work orders and change orders\n\n"
        "Every selling operation opens a work order (ALTA for a signup, AMPLIACION for added "
        "lines or TV, MIGRACION for a bundle migration, CAMBIO TARIFA for a product change, "
        "CAMBIO SIM for a SIM replacement, VENTA TERMINAL for a device sale) and a back-office "
        "termination opens a BAJA one (COMPLETADA at once when the line ends now; open until "
        "its DEACTIVATION runs when it ends on a date). Generated from "
        "`src/mascustomers/workorders/change_types.py` by "
        "`python -m mascustomers.workorders.change_docs`.\n\n"
        "## Rules\n\n" + render_rules() + "\n\n"
        "## What each change does\n\n" + render_table() + "\n\n" + render_effects() + "\n"
    )


if __name__ == "__main__":
    print(render_document(), end="")
