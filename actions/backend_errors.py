"""The booking backend's refusals as typed exceptions, mapped from its stable error codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx


class BackendError(Exception):
    """The booking backend refused a request or could not be reached."""

    def __init__(self, message: str, *, status_code: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code


class BackendUnavailable(BackendError):
    """No usable answer: connection refused, timeout, 5xx or a malformed response (after the safe retries)."""


class NotFound(BackendError):
    """404: no such slot, hold, booking or practitioner (for this patient)."""


class InvalidRequest(BackendError):
    """422: the backend rejected the request; `message` is its explanation."""


class IdempotencyKeyReused(InvalidRequest):
    """422: this Idempotency-Key was already used for a different request."""


class HoldExpired(BackendError):
    """410: the hold lapsed or was released before it was confirmed."""


class Conflict(BackendError):
    """409: the request clashes with the current state of the slot, hold or booking."""


class SlotUnavailable(Conflict):
    """409: someone else holds or booked the slot, or it cannot be booked online."""


class QuotaExceeded(Conflict):
    """409: the patient's appointments for this episode of care are used up."""


class TooLateToChange(Conflict):
    """409: the appointment starts within the minimum notice for online changes."""


class HoldNotActive(Conflict):
    """409: the hold was already confirmed or released."""


class BookingNotActive(Conflict):
    """409: the appointment is no longer booked (cancelled, fulfilled, ...)."""


_ERRORS_BY_CODE: dict[str, type[BackendError]] = {
    "not_found": NotFound,
    "invalid_request": InvalidRequest,
    "idempotency_key_reused": IdempotencyKeyReused,
    "hold_expired": HoldExpired,
    "slot_unavailable": SlotUnavailable,
    "quota_exceeded": QuotaExceeded,
    "inside_minimum_notice": TooLateToChange,
    "hold_not_active": HoldNotActive,
    "booking_not_active": BookingNotActive,
}
_ERRORS_BY_STATUS: dict[int, type[BackendError]] = {
    404: NotFound,
    409: Conflict,
    410: HoldExpired,
    422: InvalidRequest,
}


def _validation_message(errors: list[Any]) -> str:
    """FastAPI's validation errors as 'field: message'; the rejected input is left out (it may be personal)."""
    parts = []
    for error in errors:
        if not isinstance(error, Mapping):
            continue
        location = [str(part) for part in error.get("loc", ())][1:]  # drop "query"/"body"/"path"
        message = str(error.get("msg", "invalid"))
        parts.append(f"{'.'.join(location)}: {message}" if location else message)
    return "; ".join(parts) or "the request was invalid"


def error_from_response(response: httpx.Response) -> BackendError:
    """The typed exception for a 4xx/5xx answer, from its stable `code` first and its status otherwise."""
    status = response.status_code
    if status >= 500:
        return BackendUnavailable(f"the booking backend answered {status}", status_code=status)
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) and isinstance(body.get("code"), str) else None
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):
        message = _validation_message(detail)
    elif isinstance(detail, str) and detail:
        message = detail
    else:
        message = f"the booking backend answered {status}"
    kind = _ERRORS_BY_CODE.get(code or "") or _ERRORS_BY_STATUS.get(status, BackendError)
    return kind(message, status_code=status, code=code)
