"""Every failure becomes an ``ErrorMessage``; this is the one place that maps errors to HTTP."""

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from mascustomers.db.availability import DATABASE_ERRORS, is_unavailable
from mascustomers.errors import DomainError, ErrorCode
from mascustomers.routing.validation import describe_validation_errors


class ErrorMessage(BaseModel):
    """The error body of every non-2xx answer (reference 2.38: ``code`` is a padded string)."""

    code: str = Field(examples=["0001"])
    status: str = Field(examples=["BAD_REQUEST"])
    message: str
    detailMsg: str  # noqa: N815  (the reference's field name)


def error_body(error: ErrorCode, detail: str) -> dict[str, str]:
    return {
        "code": error.code,
        "status": HTTPStatus(error.http_status).name,
        "message": error.message,
        "detailMsg": detail,
    }


def error_response(
    error: ErrorCode, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(error, detail), status_code=error.http_status, headers=headers)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return error_response(exc.error, exc.detail)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    code, detail = describe_validation_errors(list(exc.errors()))
    return error_response(code, detail)


_HTTP_ERRORS = {
    404: (ErrorCode.NOT_FOUND, "no such path"),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "this path does not accept that method"),
    413: (ErrorCode.PAYLOAD_TOO_LARGE, "the request body is over the limit"),
}


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, detail = _HTTP_ERRORS.get(exc.status_code, (ErrorCode.VALIDATION_FAILED, str(exc.detail)))
    return error_response(code, detail, headers=dict(exc.headers or {}))


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """An unreachable database is a 503 with Retry-After; any other database error is a bug
    (raised on: the middleware answers it as a 500)."""
    if not is_unavailable(exc):
        raise exc
    state = request.app.state
    state.outage.failed(exc)
    state.metrics.database_unavailable.inc()
    retry_after = str(state.settings.retry_after_seconds)
    return error_response(
        ErrorCode.DATABASE_UNAVAILABLE,
        f"the database did not answer; retry in {retry_after} s",
        headers={"Retry-After": retry_after},
    )


def install_error_handlers(app: FastAPI) -> None:
    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, _database_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
