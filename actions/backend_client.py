"""The Rasa side's only way to the booking backend: async HTTP with timeouts, safe retries and typed errors.

Actions use the process-wide client::

    from actions.backend_client import SlotUnavailable, get_client, turn_key

    key = turn_key(tracker.sender_id, tracker.latest_message["message_id"], self.name())
    try:
        hold = await get_client().hold(slot_id, tracker.sender_id, idempotency_key=key)
    except SlotUnavailable:
        ...

Every state-changing call takes an `idempotency_key`; the backend answers a replay with the first
response, which is what makes retrying a POST after a timeout or a 5xx safe. `turn_key` derives that
key from the conversation turn, so a re-run of the same action for the same message is a replay too.

Every call carries `Authorization: Bearer <BACKEND_API_TOKEN>`, the backend's shared secret, read from the
environment on the first call (never at import); in development and test an unset one falls back to the
value the backend uses there.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError, parse_obj_as

from actions.backend_errors import (
    BackendError,
    BackendUnavailable,
    BookingNotActive,
    Conflict,
    HoldExpired,
    HoldNotActive,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    SlotUnavailable,
    TooLateToChange,
    error_from_response,
)
from actions.backend_results import (
    UK,
    Booking,
    Hold,
    Location,
    Organisation,
    PatientPractice,
    Practitioner,
    PractitionerSummary,
    Service,
    Slot,
    WaitlistEntry,
    WaitlistPreferences,
)
from actions.backend_token import ApiTokenRefused, MissingApiToken, backend_api_token

# Actions import results and errors from here, the one module that talks to the backend.
__all__ = [
    "UK", "ApiTokenRefused", "BackendClient", "BackendError", "BackendUnavailable", "Booking", "BookingNotActive",
    "Conflict", "Hold", "HoldExpired", "HoldNotActive", "IdempotencyKeyReused", "InvalidRequest", "Location",
    "MissingApiToken", "NotFound", "Organisation", "Practitioner", "PractitionerSummary", "QuotaExceeded", "Service",
    "Slot", "SlotUnavailable", "TooLateToChange", "WaitlistEntry", "WaitlistPreferences", "backend_api_token",
    "close_client", "get_client", "turn_key",
]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
_KEY_VERSION = "v1"

# ----------------------------------------------------------------------------------------------------- client

_R = TypeVar("_R")
_Params = Sequence[tuple[str, str | int | float]]


def _as_list(values: str | Sequence[str] | None) -> list[str]:
    if values is None:
        return []
    return [values] if isinstance(values, str) else list(values)


def _capped(timeout: httpx.Timeout, seconds: float) -> httpx.Timeout:
    """`timeout` with no phase longer than `seconds`, so that a retry cannot overrun the budget."""

    def cap(value: float | None) -> float:
        return seconds if value is None else min(value, seconds)

    return httpx.Timeout(connect=cap(timeout.connect), read=cap(timeout.read), write=cap(timeout.write),
                         pool=cap(timeout.pool))


def _redact_query(record: logging.LogRecord) -> bool:
    """httpx logs every request URL at INFO; ours carry patient_ref in the query, so drop the query."""
    if isinstance(record.args, tuple):
        record.args = tuple(
            arg.copy_with(query=None) if isinstance(arg, httpx.URL) and arg.query else arg for arg in record.args
        )
    return True


def _install_httpx_log_redaction() -> None:
    httpx_logger = logging.getLogger("httpx")
    if _redact_query not in httpx_logger.filters:
        httpx_logger.addFilter(_redact_query)


class BackendClient:
    """Typed calls to the booking backend's HTTP API over one pooled `httpx.AsyncClient`.

    Failures of the connection and 5xx answers are retried with backoff, within `attempts` and a
    `budget_seconds` deadline: GETs because they change nothing, POSTs and PUTs only because each carries an
    Idempotency-Key. What the backend refuses is raised at once as a `BackendError` subclass.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        attempts: int = 3,
        backoff_seconds: float = 0.2,
        budget_seconds: float = 8.0,
        transport: httpx.AsyncBaseTransport | None = None,
        api_token: str | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.base_url = (base_url or os.environ.get("BOOKING_BACKEND_URL") or DEFAULT_BASE_URL).rstrip("/")
        # Resolved on the first call, so that a missing token fails that call, where the actions handle the
        # backend being unavailable, rather than `get_client()`.
        self._api_token = api_token
        self._authorization: str | None = None
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._budget = budget_seconds
        self._timeout = timeout
        _install_httpx_log_redaction()
        # trust_env=False: the backend is an internal service; a proxy from the environment must not see it.
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            trust_env=False,
            headers={"Accept": "application/json", "User-Agent": "triage-assistant-actions"},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> BackendClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    # -------------------------------------------------------------------------------------------- directory

    async def services(self) -> list[Service]:
        """The bookable services, coded like the triage dispositions."""
        return await self._get(list[Service], "/v1/services")

    async def practitioners(
        self, role: str | None = None, near: str | None = None, *, radius_km: float | None = None,
        limit: int | None = None,
    ) -> list[Practitioner]:
        """Practitioners (with bios), optionally of one role; nearest first with `near` ('lat,lon' or a postcode)."""
        params = {"role": role, "near": near, "radius_km": radius_km, "limit": limit}
        return await self._get(list[Practitioner], "/v1/practitioners", params=params)

    async def practitioner(self, practitioner_id: int) -> Practitioner:
        return await self._get(Practitioner, f"/v1/practitioners/{int(practitioner_id)}")

    async def organisations(self, q: str, limit: int | None = None) -> list[Organisation]:
        """Practices by name (every word of 3+ letters) or postcode (full or outward code), best match first.

        An empty `q` is refused (InvalidRequest); no match is an empty list.
        """
        return await self._get(list[Organisation], "/v1/organisations", params={"q": q, "limit": limit})

    # ---------------------------------------------------------------------------------------- the patient

    async def patient_practice(self, patient_ref: str) -> Organisation | None:
        """The practice the patient said they belong to; None when they have not said."""
        answer = await self._get(PatientPractice, "/v1/patients/practice", params={"patient_ref": patient_ref})
        return answer.organisation

    async def set_patient_practice(
        self, patient_ref: str, organisation_id: int, *, idempotency_key: str
    ) -> Organisation:
        """Remember the patient's practice (the same again is harmless); NotFound for an unknown organisation."""
        body = {"patient_ref": patient_ref, "organisation_id": int(organisation_id)}
        answer = await self._put(PatientPractice, "/v1/patients/practice", body, idempotency_key)
        if answer.organisation is None:
            raise BackendUnavailable("the booking backend set the practice but did not say which")
        return answer.organisation

    # ------------------------------------------------------------------------------------------------ slots

    async def search_slots(
        self,
        service: str | None = None,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        weekdays: str | Sequence[str] | None = None,
        part_of_day: str | Sequence[str] | None = None,
        near: str | None = None,
        radius_km: float | None = None,
        channel: str | None = None,
        practitioner: int | None = None,
        limit: int | None = None,
        organisation_id: int | Sequence[int] | None = None,
    ) -> list[Slot]:
        """Free slots, soonest first (nearest first with `near`).

        `start`/`end` (exclusive) without tzinfo are read as UK time by the backend; `weekdays` are
        mon..sun and `part_of_day` morning/afternoon/evening, each sent as repeated parameters;
        `organisation_id` (one or several, repeated) keeps the slots at those practices' sites.
        """
        params: list[tuple[str, str | int | float]] = []
        scalars: dict[str, str | int | float | None] = {
            "service": service,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "near": near,
            "radius_km": radius_km,
            "channel": channel,
            "practitioner": practitioner,
            "limit": limit,
        }
        params.extend((name, value) for name, value in scalars.items() if value is not None)
        params.extend(("weekday", day) for day in _as_list(weekdays))
        params.extend(("part_of_day", part) for part in _as_list(part_of_day))
        organisations = [organisation_id] if isinstance(organisation_id, int) else list(organisation_id or [])
        params.extend(("organisation_id", int(organisation)) for organisation in organisations)
        return await self._get(list[Slot], "/v1/slots", params=params)

    # ------------------------------------------------------------------------------------ holds and bookings

    async def hold(self, slot_id: int, patient_ref: str, *, idempotency_key: str) -> Hold:
        """Hold a slot for the patient (letting go of any other hold of theirs)."""
        body = {"slot_id": slot_id, "patient_ref": patient_ref}
        return await self._post(Hold, "/v1/holds", body, idempotency_key)

    async def release_hold(self, hold_id: int, patient_ref: str, *, idempotency_key: str) -> Hold:
        """Let a held slot go at once."""
        body = {"patient_ref": patient_ref}
        return await self._post(Hold, f"/v1/holds/{int(hold_id)}/release", body, idempotency_key)

    async def book(
        self, hold_id: int, patient_ref: str, *, idempotency_key: str, dependant_label: str | None = None
    ) -> Booking:
        """Confirm a live hold as a booking; `dependant_label` (first name or initials) when it is for someone else."""
        body: dict[str, Any] = {"hold_id": hold_id, "patient_ref": patient_ref}
        if dependant_label is not None:
            body["dependant_label"] = dependant_label
        return await self._post(Booking, "/v1/bookings", body, idempotency_key)

    async def upcoming(self, patient_ref: str) -> list[Booking]:
        """The patient's booked appointments that have not started yet, soonest first."""
        return await self._get(list[Booking], "/v1/bookings", params={"patient_ref": patient_ref})

    async def booking_history(self, patient_ref: str, service: str, limit: int = 1) -> list[Booking]:
        """The patient's booked appointments of a service, past and upcoming, latest first."""
        params: dict[str, str | int] = {"patient_ref": patient_ref, "service": service, "limit": limit}
        return await self._get(list[Booking], "/v1/bookings/history", params=params)

    async def cancel(self, booking_id: int, patient_ref: str, *, idempotency_key: str) -> Booking:
        body = {"patient_ref": patient_ref}
        return await self._post(Booking, f"/v1/bookings/{int(booking_id)}/cancel", body, idempotency_key)

    async def reschedule(self, booking_id: int, patient_ref: str, slot_id: int, *, idempotency_key: str) -> Booking:
        """Move a booking to another slot of the same service, atomically; returns the new booking."""
        body = {"patient_ref": patient_ref, "slot_id": slot_id}
        return await self._post(Booking, f"/v1/bookings/{int(booking_id)}/reschedule", body, idempotency_key)

    async def join_waitlist(
        self,
        patient_ref: str,
        service: str,
        preferences: WaitlistPreferences | Mapping[str, Any] | None = None,
        *,
        idempotency_key: str,
    ) -> WaitlistEntry:
        if isinstance(preferences, WaitlistPreferences):
            wishes: dict[str, Any] = preferences.dict(exclude_none=True)
        else:
            wishes = dict(preferences or {})
        body = {"patient_ref": patient_ref, "service": service, "preferences": wishes}
        return await self._post(WaitlistEntry, "/v1/waitlist", body, idempotency_key)

    # ------------------------------------------------------------------------------------------------ plumbing

    def _bearer(self) -> str:
        """The Authorization header's value, read once; MissingApiToken (logged) when there is no token."""
        if self._authorization is None:
            try:
                token = self._api_token or backend_api_token()
            except MissingApiToken as error:
                logger.error("The booking backend cannot be called: %s", error)
                raise
            self._authorization = f"Bearer {token}"
        return self._authorization

    async def _get(
        self, result: type[_R], path: str,
        params: Mapping[str, str | int | float | None] | _Params | None = None,
    ) -> _R:
        if isinstance(params, Mapping):
            params = [(name, value) for name, value in params.items() if value is not None]
        return await self._call(result, "GET", path, params=params)

    async def _post(self, result: type[_R], path: str, body: Mapping[str, Any], idempotency_key: str) -> _R:
        return await self._write(result, "POST", path, body, idempotency_key)

    async def _put(self, result: type[_R], path: str, body: Mapping[str, Any], idempotency_key: str) -> _R:
        return await self._write(result, "PUT", path, body, idempotency_key)

    async def _write(self, result: type[_R], method: str, path: str, body: Mapping[str, Any],
                     idempotency_key: str) -> _R:
        if not idempotency_key:
            raise ValueError("every state-changing request needs an idempotency_key (see turn_key)")
        return await self._call(result, method, path, json=body, idempotency_key=idempotency_key)

    async def _call(
        self, result: type[_R], method: str, path: str, *,
        params: _Params | None = None,
        json: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> _R:
        response = await self._send(method, path, params=params, json=json, idempotency_key=idempotency_key)
        if response.status_code == 401:
            # Not the patient's doing and not to be retried: the deployment's secrets disagree.
            logger.error("%s %s: the booking backend refused BACKEND_API_TOKEN (401); check that both sides "
                         "have the same one", method, path)
            raise ApiTokenRefused("the booking backend refused this action server's BACKEND_API_TOKEN",
                                  status_code=401, code="unauthorized")
        if response.is_error:
            error = error_from_response(response)
            logger.debug("%s %s refused: %d %s", method, path, response.status_code, error.code)
            raise error
        try:
            return parse_obj_as(result, response.json())
        except (ValueError, ValidationError) as error:
            logger.error("%s %s: unexpected answer from the booking backend (%s)", method, path,
                         type(error).__name__)
            raise BackendUnavailable("the booking backend sent an answer this client cannot read") from error

    async def _send(
        self, method: str, path: str, *,
        params: _Params | None,
        json: Mapping[str, Any] | None,
        idempotency_key: str | None,
    ) -> httpx.Response:
        """One request, retried on connection failures and 5xx while that is safe and within the budget."""
        # A GET changes nothing; a POST or PUT may run twice only because the backend replays a known key.
        replay_safe = method == "GET" or idempotency_key is not None
        headers = {"Authorization": self._bearer()}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        deadline = time.monotonic() + self._budget
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            timeout = self._timeout if attempt == 1 else _capped(self._timeout, deadline - started)
            try:
                response = await self._http.request(
                    method, path, params=tuple(params) if params else None, json=json, headers=headers,
                    timeout=timeout,
                )
            except httpx.TransportError as error:
                failure: BackendError = BackendUnavailable(
                    f"the booking backend at {self.base_url} could not be reached ({type(error).__name__})"
                )
                cause: BaseException | None = error
                reason = type(error).__name__
            else:
                logger.debug("%s %s -> %d in %.0f ms", method, path, response.status_code,
                             (time.monotonic() - started) * 1000)
                if response.status_code < 500:
                    return response
                failure, cause, reason = error_from_response(response), None, str(response.status_code)
            delay = self._backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
            if not replay_safe or attempt >= self._attempts or time.monotonic() + delay >= deadline:
                logger.warning("%s %s failed after %d attempt(s): %s", method, path, attempt, reason)
                raise failure from cause
            logger.info("%s %s failed (%s); retrying in %.2f s", method, path, reason, delay)
            await asyncio.sleep(delay)


# ------------------------------------------------------------------------------------------ the shared client

_shared: BackendClient | None = None
_shared_loop: asyncio.AbstractEventLoop | None = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def get_client() -> BackendClient:
    """The process-wide client, built on first use from BOOKING_BACKEND_URL.

    Pooled connections belong to the event loop that opened them, so a call from another loop (a
    test runner's new loop, say) gets a fresh client instead of the stale one.
    """
    global _shared, _shared_loop  # noqa: PLW0603 (one lazily built client per process)
    loop = _running_loop()
    if _shared is None or (loop is not None and _shared_loop is not None and loop is not _shared_loop):
        _shared = BackendClient()
        _shared_loop = loop
        logger.debug("Booking backend client for %s", _shared.base_url)
    elif _shared_loop is None:
        _shared_loop = loop
    return _shared


async def close_client() -> None:
    """Close the shared client (at shutdown, or to pick up a changed BOOKING_BACKEND_URL)."""
    global _shared, _shared_loop
    client, _shared, _shared_loop = _shared, None, None
    if client is not None:
        await client.aclose()


# ------------------------------------------------------------------------------------------- idempotency keys


def turn_key(sender_id: str, turn: str | float, action_name: str, *, step: str = "") -> str:
    """A stable Idempotency-Key for one state change in one conversation turn, with no personal data in it.

    `turn` is the user message's id (or its event timestamp); `step` tells apart several POSTs made
    by one action in one turn (e.g. "release" then "hold"): the backend refuses one key for two requests.
    """
    turn_text = repr(float(turn)) if isinstance(turn, int | float) else str(turn)
    material = "\x1f".join((_KEY_VERSION, sender_id, turn_text, action_name, step))
    return "turn-" + hashlib.sha256(material.encode()).hexdigest()
