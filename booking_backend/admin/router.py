"""Admin endpoints (X-API-Key): organisations, locations, practitioners, sessions, slots, quotas."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from booking_backend.admin.schemas import QuotaPublic, QuotaUpdate
from booking_backend.dependencies import AdminDep, ClockDep, IdempotencyKey, SessionDep, SettingsDep
from booking_backend.directory import service as directory
from booking_backend.directory.schemas import (
    LocationCreate,
    LocationPublic,
    OrganisationCreate,
    OrganisationPublic,
    PractitionerCreate,
    PractitionerPublic,
)
from booking_backend.errors_http import responses
from booking_backend.idempotency.service import fingerprint, run_once
from booking_backend.patients.service import set_quota
from booking_backend.scheduling import sessions
from booking_backend.scheduling.models import ClinicSession
from booking_backend.scheduling.schemas import (
    RegenerationResult,
    SessionCreate,
    SessionExceptionCreate,
    SessionPublic,
)

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[AdminDep], responses=responses(401, 404, 422))


def _once(request: Request, session: SessionDep, clock: ClockDep, key: str | None, body: BaseModel | None,
          status_code: int, operation: Callable[[], BaseModel]) -> JSONResponse:
    return run_once(session, key=key, print_=fingerprint(request.url.path, body), clock=clock,
                    status_code=status_code, operation=operation)


@router.post("/organisations", status_code=201, response_model=OrganisationPublic)
def create_organisation(body: OrganisationCreate, request: Request, session: SessionDep, clock: ClockDep,
                        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    now = clock.now()
    return _once(request, session, clock, idempotency_key, body, 201, lambda: OrganisationPublic.model_validate(
        directory.create_organisation(session, data=body, now=now)))


@router.post("/locations", status_code=201, response_model=LocationPublic)
def create_location(body: LocationCreate, request: Request, session: SessionDep, clock: ClockDep,
                    idempotency_key: IdempotencyKey = None) -> JSONResponse:
    now = clock.now()
    return _once(request, session, clock, idempotency_key, body, 201, lambda: LocationPublic.model_validate(
        directory.create_location(session, data=body, now=now)))


@router.post("/practitioners", status_code=201, response_model=PractitionerPublic)
def create_practitioner(body: PractitionerCreate, request: Request, session: SessionDep, clock: ClockDep,
                        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    now = clock.now()
    return _once(request, session, clock, idempotency_key, body, 201,
                 lambda: directory.create_practitioner(session, data=body, now=now))


def _session_public(clinic: ClinicSession) -> SessionPublic:
    return SessionPublic(
        id=clinic.id, practitioner_id=clinic.practitioner_id, service=clinic.service.code,
        location_id=clinic.location_id, weekdays=clinic.weekdays.split(","), start_time=clinic.start_time,
        end_time=clinic.end_time, slot_minutes=clinic.slot_minutes, channel=clinic.channel,
        bookable_online=clinic.bookable_online, valid_from=clinic.valid_from, valid_to=clinic.valid_to,
    )


@router.post("/sessions", status_code=201, response_model=SessionPublic)
def create_session(body: SessionCreate, request: Request, session: SessionDep, clock: ClockDep,
                   settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    now = clock.now()
    return _once(request, session, clock, idempotency_key, body, 201, lambda: _session_public(
        sessions.create_session(session, data=body, now=now, horizon_days=settings.slot_horizon_days)))


@router.post("/sessions/{session_id}/exceptions", response_model=RegenerationResult)
def add_session_exception(session_id: int, body: SessionExceptionCreate, request: Request, session: SessionDep,
                          clock: ClockDep, settings: SettingsDep,
                          idempotency_key: IdempotencyKey = None) -> JSONResponse:
    now = clock.now()
    return _once(request, session, clock, idempotency_key, body, 200, lambda: sessions.add_exception(
        session, session_id=session_id, data=body, now=now, horizon_days=settings.slot_horizon_days))


@router.post("/slots/regenerate", response_model=RegenerationResult)
def regenerate_slots(request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    now = clock.now()
    return _once(request, session, clock, idempotency_key, None, 200, lambda: sessions.regenerate_all(
        session, now=now, horizon_days=settings.slot_horizon_days))


@router.post("/patients/quota", response_model=QuotaPublic)
def set_patient_quota(body: QuotaUpdate, request: Request, session: SessionDep, clock: ClockDep,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    now = clock.now()

    def operation() -> QuotaPublic:
        patient = set_quota(session, ref=body.patient_ref, quota=body.quota, now=now)
        return QuotaPublic(patient_ref=patient.ref, quota=patient.episode_quota)

    return _once(request, session, clock, idempotency_key, body, 200, operation)
