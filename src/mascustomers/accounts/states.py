"""Account statuses and billing types: master data ids (3 ACTIVO as in the reference)."""

from mascustomers.catalog.statuses import AccountStatus, BillingType

__all__ = ["AccountStatus", "BillingType"]
