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
    IDEMPOTENCY_KEY_IN_PROGRESS = ErrorSpec(
        "0012", 409, "A request with this Idempotency-Key is in progress"
    )
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
    # 0031-0039: catalogue loading and inventory.
    CATALOGUE_IN_USE = ErrorSpec("0031", 400, "Catalogue items still in use")
    INVENTORY_RANGE_INVALID = ErrorSpec("0032", 400, "Invalid inventory range")
    # 0060-0079: subscriptions (products, services, bonuses, blocks, SIM, recharges, devices).
    SUBSCRIPTION_NOT_LIVE = ErrorSpec("0060", 400, "The subscription's status does not allow this")
    BUNDLED_MAIN_LINE = ErrorSpec("0061", 400, "Bundled main line products cannot change this way")
    PRODUCT_NOT_COMPATIBLE = ErrorSpec("0062", 400, "Product not compatible with the current one")
    SCHEDULED_DATE_NOT_FUTURE = ErrorSpec("0063", 400, "scheduled_date must be a future date")
    SERVICE_NOT_CHANGEABLE = ErrorSpec("0064", 400, "Service cannot be switched")
    BONUS_ALREADY_PRESENT = ErrorSpec("0065", 400, "Bonus already active or scheduled")
    NOT_A_MOBILE_LINE = ErrorSpec("0066", 400, "Not a mobile line")
    BLOCKED_LINE_NEEDS_SHOP = ErrorSpec("0067", 400, "Blocked line: SIM replacement only in a shop")
    SIM_REPLACEMENT_PENDING = ErrorSpec("0068", 400, "A SIM replacement awaits its risk decision")
    SIM_REPLACEMENT_CONFLICT = ErrorSpec("0069", 400, "The line's SIM changed meanwhile")
    NOT_PREPAID = ErrorSpec("0070", 400, "Recharges exist only on prepaid lines")
    TERMINAL_NOT_OF_LINE = ErrorSpec("0071", 400, "Terminal does not belong to this line")
    # 0080-0099: penalties, work orders (change orders) and the back office (ops).
    PENALTY_ALREADY_CONFIRMED = ErrorSpec("0080", 400, "Computed penalty already confirmed")
    PENALTY_DELETED = ErrorSpec("0081", 400, "Computed penalty was deleted")
    PENALTY_NOT_CONFIRMED = ErrorSpec("0082", 400, "Only a confirmed penalty can be deleted")
    PENALTY_ALREADY_INVOICED = ErrorSpec("0083", 400, "Penalty already charged on an invoice")
    PENALTY_LINE_UNKNOWN = ErrorSpec("0084", 400, "Penalty id not in this computed penalty")
    PENALTY_ALREADY_CHARGED = ErrorSpec("0085", 400, "Commitment already in a confirmed penalty")
    PENALTY_REASON_NOT_APPLICABLE = ErrorSpec("0086", 400, "Penalty reason does not fit the line")
    CHANGE_TYPE_UNKNOWN = ErrorSpec("0087", 400, "Unknown change type")
    CHANGE_PARAMETERS_INVALID = ErrorSpec("0088", 400, "Invalid change-order parameters")
    # Answered by POST workorders/change-order as 200 with this code in its errorVO.
    CHANGE_NOT_ALLOWED = ErrorSpec("0089", 400, "Change not allowed for the work order now")
    SELL_NOT_HELD = ErrorSpec("0090", 400, "The order is not held by risk")
    HOLD_NOT_APPROVABLE = ErrorSpec("0091", 400, "This kind of held order cannot be approved here")
    MOTIVE_NOT_APPLICABLE = ErrorSpec("0092", 400, "Motive does not apply to the line's status")
    TERMINATION_NOT_ALLOWED = ErrorSpec("0093", 400, "The line's status does not allow this")
    TERMINATION_DATE_NOT_FUTURE = ErrorSpec("0094", 400, "Termination date must be in the future")
    INVOICE_NOT_PAYABLE = ErrorSpec("0095", 400, "Invoice is not pending payment")
    PENALTY_SUPERSEDED = ErrorSpec("0096", 400, "Computed penalty superseded by a newer one")
    # 0100-0119: scheduler, test clocks and billing runs.
    TEST_CLOCK_NOT_AVAILABLE = ErrorSpec("0100", 400, "Test clocks exist only on sandbox orgs")
    CLOCK_ONLY_MOVES_FORWARD = ErrorSpec("0101", 400, "A test clock only moves forward")
    CLOCK_ADVANCE_TOO_FAR = ErrorSpec("0102", 400, "Test clock advance too far in one call")
    BILLING_CYCLE_NOT_CLOSED = ErrorSpec("0103", 400, "The billing cycle has not ended yet")
    BILLING_ISSUER_NOT_SET = ErrorSpec("0104", 400, "The org has no invoice issuer settings")
    INVOICE_NOT_RECTIFIABLE = ErrorSpec("0105", 400, "The invoice cannot be rectified this way")
    CREDIT_EXCEEDS_INVOICED = ErrorSpec("0106", 400, "Credit exceeds what is left to credit")
    INVOICE_NOT_CANCELLABLE = ErrorSpec("0107", 400, "The invoice cannot be cancelled")
    # 0120-0129: the platform's availability (answered with Retry-After).
    DATABASE_UNAVAILABLE = ErrorSpec("0120", 503, "The database is unavailable, retry later")
    # 0130-0139: events and webhook endpoints.
    WEBHOOK_URL_INVALID = ErrorSpec("0130", 400, "Invalid webhook URL")
    EVENT_TYPE_UNKNOWN = ErrorSpec("0131", 400, "Unknown event type")
    EVENT_CURSOR_INVALID = ErrorSpec("0132", 400, "Invalid cursor")

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


class IdempotencyKeyInProgress(DomainError):
    error = ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS
