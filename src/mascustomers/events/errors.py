"""Event and webhook-endpoint rules a request can break."""

from mascustomers.errors import DomainError, ErrorCode


class WebhookUrlInvalid(DomainError):
    """A webhook URL is http or https, names a host, and carries no credentials."""

    error = ErrorCode.WEBHOOK_URL_INVALID


class EventTypeUnknown(DomainError):
    error = ErrorCode.EVENT_TYPE_UNKNOWN


class CursorInvalid(DomainError):
    """A cursor is the ``next_cursor`` of an earlier page, as it was given."""

    error = ErrorCode.EVENT_CURSOR_INVALID
