"""Catalogue and inventory rule violations."""

from mascustomers.errors import DomainError, ErrorCode


class NumberNotAvailable(DomainError):
    error = ErrorCode.INVENTORY_UNAVAILABLE


class SimNotAvailable(DomainError):
    error = ErrorCode.INVENTORY_UNAVAILABLE


class UnknownNetwork(DomainError):
    error = ErrorCode.UNKNOWN_NETWORK


class InvalidIccidValue(DomainError):
    error = ErrorCode.INVALID_ICCID


class ProductNotSellable(DomainError):
    error = ErrorCode.PRODUCT_NOT_SELLABLE


class BonusNotCompatible(DomainError):
    error = ErrorCode.BONUS_NOT_COMPATIBLE


class PromotionNotCompatible(DomainError):
    error = ErrorCode.PROMOTION_NOT_COMPATIBLE


class DeviceNotInCatalogue(DomainError):
    error = ErrorCode.DEVICE_NOT_IN_CATALOGUE


class UnknownMasterData(DomainError):
    error = ErrorCode.UNKNOWN_MASTER_DATA


class CatalogueInvalid(DomainError):
    error = ErrorCode.CATALOGUE_INVALID


class CatalogueInUse(DomainError):
    """A new catalogue would remove items that lines, accounts or terminals still use."""

    error = ErrorCode.CATALOGUE_IN_USE


class InvalidInventoryRange(DomainError):
    error = ErrorCode.INVENTORY_RANGE_INVALID
