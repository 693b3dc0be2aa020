"""Admin endpoints (X-API-Key): organisations, locations, practitioners, sessions, slots, quotas."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from booking_backend.admin.schemas import QuotaPublic, QuotaUpdate
from booking_backend.dependencies import AdminDep
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
from booking_backend.idempotency.dependency import StateChangeDep
from booking_backend.patients.service import set_quota
from booking_backend.scheduling import sessions
from booking_backend.scheduling.models import ClinicSession
from booking_backend.scheduling.schemas import (
    RegenerationResult,
    SessionCreate,
    SessionExceptionCreate,
    SessionPublic,
)
from booking_backend.types import IdPath

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[AdminDep], responses=responses(401, 404, 422))


@router.post("/organisations", status_code=201, response_model=OrganisationPublic)
def create_organisation(body: OrganisationCreate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: OrganisationPublic.model_validate(
        directory.create_organisation(session, data=body, now=now)), status_code=201)


@router.post("/locations", status_code=201, response_model=LocationPublic)
def create_location(body: LocationCreate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: LocationPublic.model_validate(
        directory.create_location(session, data=body, now=now)), status_code=201)


@router.post("/practitioners", status_code=201, response_model=PractitionerPublic)
def create_practitioner(body: PractitionerCreate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: directory.create_practitioner(session, data=body, now=now),
                      status_code=201)


def _session_public(clinic: ClinicSession) -> SessionPublic:
    return SessionPublic(
        id=clinic.id, practitioner_id=clinic.practitioner_id, service=clinic.service.code,
        location_id=clinic.location_id, weekdays=clinic.weekdays.split(","), start_time=clinic.start_time,
        end_time=clinic.end_time, slot_minutes=clinic.slot_minutes, channel=clinic.channel,
        bookable_online=clinic.bookable_online, valid_from=clinic.valid_from, valid_to=clinic.valid_to,
    )


@router.post("/sessions", status_code=201, response_model=SessionPublic)
def create_session(body: SessionCreate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: _session_public(sessions.create_session(
        session, data=body, now=now, horizon_days=change.settings.slot_horizon_days)), status_code=201)


@router.post("/sessions/{session_id}/exceptions", response_model=RegenerationResult)
def add_session_exception(session_id: IdPath, body: SessionExceptionCreate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: sessions.add_exception(
        session, session_id=session_id, data=body, now=now, horizon_days=change.settings.slot_horizon_days))


@router.post("/slots/regenerate", response_model=RegenerationResult)
def regenerate_slots(change: StateChangeDep) -> JSONResponse:
    return change.run(None, lambda session, now: sessions.regenerate_all(
        session, now=now, horizon_days=change.settings.slot_horizon_days))


@router.post("/patients/quota", response_model=QuotaPublic)
def set_patient_quota(body: QuotaUpdate, change: StateChangeDep) -> JSONResponse:
    def operation(session: Session, now: datetime) -> QuotaPublic:
        patient = set_quota(session, ref=body.patient_ref, quota=body.quota, now=now)
        return QuotaPublic(patient_ref=patient.ref, quota=patient.episode_quota)

    return change.run(body, operation)
