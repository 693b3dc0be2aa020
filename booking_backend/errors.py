"""Domain errors, each with the HTTP status and a stable code that clients can act on."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(status_code=error.status_code, content=error.body())
