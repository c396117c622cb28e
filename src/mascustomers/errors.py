"""The domain error tree and the one error-code table every ``ErrorMessage`` comes from.

Codes are zero-padded strings (reference 2.38). Each business rule gets its own code; the
HTTP status is part of the table so handlers never decide it.
"""

from enum import Enum
from typing import Any, NamedTuple


class ErrorSpec(NamedTuple):
    code: str
    http_status: int
    message: str


class ErrorCode(Enum):
    """Every error the API can answer with: code, HTTP status and fixed message."""

    VALIDATION_FAILED = ErrorSpec("0001", 400, "Invalid request")
    MALFORMED_JSON = ErrorSpec("0002", 400, "Malformed JSON body")
    UNAUTHENTICATED = ErrorSpec("0003", 401, "Missing or invalid API key")
    PERMISSION_DENIED = ErrorSpec("0004", 403, "Forbidden")
    NOT_FOUND = ErrorSpec("0005", 404, "Not found")
    METHOD_NOT_ALLOWED = ErrorSpec("0006", 405, "Method not allowed")
    PAYLOAD_TOO_LARGE = ErrorSpec("0007", 413, "Request body too large")
    INTERNAL_ERROR = ErrorSpec("0008", 500, "Internal server error")
    NOT_IMPLEMENTED = ErrorSpec("0009", 501, "Not implemented yet")
    LOGIN_NOT_ALLOWED = ErrorSpec("0010", 403, "Forbidden")
    ORG_NOT_ALLOWED = ErrorSpec("0011", 403, "Forbidden")
    UNSUPPORTED_MEDIA_TYPE = ErrorSpec("0012", 400, "Unsupported content type")
    IDEMPOTENCY_KEY_REUSED = ErrorSpec("0013", 400, "Idempotency-Key reused with another body")
    CATALOGUE_INVALID = ErrorSpec("0014", 400, "Invalid catalogue")
    UNKNOWN_NETWORK = ErrorSpec("0015", 400, "Unknown or unsupported network")
    INVALID_ICCID = ErrorSpec("0016", 400, "Invalid ICCID")
    INVENTORY_UNAVAILABLE = ErrorSpec("0017", 400, "Number or SIM not available")
    ILLEGAL_STATUS_CHANGE = ErrorSpec("0018", 400, "Status change not allowed")
    PRODUCT_NOT_SELLABLE = ErrorSpec("0019", 400, "Product not allowed here")
    BONUS_NOT_COMPATIBLE = ErrorSpec("0020", 400, "Bonus not compatible with the product")
    PROMOTION_NOT_COMPATIBLE = ErrorSpec("0021", 400, "Promotion not compatible")
    UNKNOWN_MASTER_DATA = ErrorSpec("0022", 400, "Unknown master-data value")
    INVALID_DOCUMENT = ErrorSpec("0023", 400, "Invalid identity document")
    POSTAL_CODE_MISMATCH = ErrorSpec("0024", 400, "Postal code does not match the province")
    DEVICE_NOT_IN_CATALOGUE = ErrorSpec("0025", 400, "Device not in the catalogue")
    ACCOUNT_NOT_ACTIVE = ErrorSpec("0026", 400, "Account not active")
    BUNDLE_DOES_NOT_ALLOW = ErrorSpec("0027", 400, "The account bundle does not allow this")
    MIGRATION_NOT_ALLOWED = ErrorSpec("0028", 400, "Bundle migration not allowed")
    SIM_ALREADY_ACTIVE = ErrorSpec("0029", 400, "SIM already active")
    CUSTOMER_MISMATCH = ErrorSpec("0030", 400, "Existing customer data does not match")

    @property
    def code(self) -> str:
        return self.value.code

    @property
    def http_status(self) -> int:
        return self.value.http_status

    @property
    def message(self) -> str:
        return self.value.message


class DomainError(Exception):
    """A broken rule; mapped to an ``ErrorMessage`` by the one handler in ``api``."""

    error: ErrorCode = ErrorCode.VALIDATION_FAILED

    def __init__(self, detail: str, **context: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.context = context


class ValidationFailed(DomainError):
    error = ErrorCode.VALIDATION_FAILED


class NotFound(DomainError):
    error = ErrorCode.NOT_FOUND


class Unauthenticated(DomainError):
    error = ErrorCode.UNAUTHENTICATED


class PermissionDenied(DomainError):
    error = ErrorCode.PERMISSION_DENIED


class OrgNotAllowed(DomainError):
    error = ErrorCode.ORG_NOT_ALLOWED


class LoginNotAllowed(DomainError):
    error = ErrorCode.LOGIN_NOT_ALLOWED


class NotImplementedYet(DomainError):
    error = ErrorCode.NOT_IMPLEMENTED


class IdempotencyKeyReused(DomainError):
    error = ErrorCode.IDEMPOTENCY_KEY_REUSED
