"""What an order changed, kept on it (``work_order.undo``) so that CANCEL can restore it.

Written by the operation that opens the order, read by ``orders.effects``. Each kind
holds what was there before and what the order put instead: CANCEL restores the former only
while the line still has the latter (otherwise a later change would be silently overwritten,
and the cancel is refused instead).
"""

from typing import Any

from pydantic import BaseModel, ConfigDict


class Undo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def doc(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class MigrationUndo(Undo):
    """MIGRACION: the lines' account bundle and, per line, its tariff before and after."""

    from_account_bundle_id: int
    to_account_bundle_id: int
    # subscription id → (product before, product after)
    products: dict[int, tuple[int, int]]
    contract_id: int | None = None


class TariffUndo(Undo):
    """CAMBIO TARIFA: applied at once, or by a scheduled operation (while it is pending)."""

    from_product_id: int
    to_product_id: int
    scheduled_operation_id: int | None = None
    # service id → active, before the change (a sync only adds and switches off services)
    services: dict[int, bool] = {}


class SimUndo(Undo):
    """CAMBIO SIM: the SIMs swapped and the blocks the swap lifted."""

    old_iccid: str | None
    new_iccid: str
    lifted_block_ids: list[int] = []
    contract_id: int | None = None


class DeviceSaleUndo(Undo):
    """VENTA TERMINAL: the terminal sold (its commitment hangs off it)."""

    subscription_terminal_id: int
    contract_id: int | None = None


class TerminationUndo(Undo):
    """BAJA on a date: the line's status before, its DEACTIVATION and the penalty charged."""

    previous_status_id: int
    scheduled_operation_id: int
    computed_penalty_id: int | None = None
