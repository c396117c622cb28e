"""Work-order types and statuses: master data ids (32 PENDIENTE CREAR OT as in the reference)."""

from mascustomers.catalog.statuses import WorkOrderStatus, WorkOrderType

__all__ = ["WorkOrderStatus", "WorkOrderType"]
