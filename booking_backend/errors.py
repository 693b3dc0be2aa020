"""Domain errors, each with the HTTP status and a stable code that clients can act on."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.message}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class InvalidRequest(DomainError):
    status_code = 422
    code = "invalid_request"


class SlotUnavailable(DomainError):
    status_code = 409
    code = "slot_unavailable"


class HoldNotActive(DomainError):
    status_code = 409
    code = "hold_not_active"


class HoldExpired(DomainError):
    status_code = 410
    code = "hold_expired"


class QuotaExceeded(DomainError):
    status_code = 409
    code = "quota_exceeded"


class TooLateToChange(DomainError):
    status_code = 409
    code = "inside_minimum_notice"


class BookingNotActive(DomainError):
    status_code = 409
    code = "booking_not_active"


class IdempotencyMismatch(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


def validation_message(errors: Sequence[Any]) -> str:
    """One line naming each bad field; never echoes the input, which may hold personal data."""
    return "; ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in errors)


def install_error_handlers(app: FastAPI) -> None:
    """Every error response has the documented shape `{code, detail}`."""

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(status_code=error.status_code, content=error.body())

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content=InvalidRequest(validation_message(error.errors())).body())

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, error: HTTPException) -> JSONResponse:
        code = HTTPStatus(error.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
        return JSONResponse(status_code=error.status_code, content={"code": code, "detail": str(error.detail)},
                            headers=error.headers)
