"""Holds and bookings: every state change honours Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from booking_backend.appointments import service
from booking_backend.appointments.schemas import (
    BookingCreate,
    BookingPublic,
    HoldCreate,
    HoldPublic,
    PatientRequest,
    RescheduleRequest,
)
from booking_backend.dependencies import ClockDep, SessionDep
from booking_backend.directory.models import ServiceCode
from booking_backend.errors_http import responses
from booking_backend.idempotency.dependency import StateChangeDep
from booking_backend.types import IdPath, PatientRef

router = APIRouter(prefix="/v1", tags=["appointments"])


@router.post("/holds", status_code=201, response_model=HoldPublic, responses=responses(404, 409, 422))
def create_hold(body: HoldCreate, change: StateChangeDep) -> JSONResponse:
    ttl_seconds = change.settings.hold_ttl_seconds
    return change.run(body, lambda session, now: service.create_hold(
        session, slot_id=body.slot_id, patient_ref=body.patient_ref, now=now, ttl_seconds=ttl_seconds
    ), status_code=201)


@router.post("/holds/{hold_id}/release", response_model=HoldPublic, responses=responses(404, 409, 422))
def release_hold(hold_id: IdPath, body: PatientRequest, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: service.release_hold(
        session, hold_id=hold_id, patient_ref=body.patient_ref, now=now))


@router.post("/bookings", status_code=201, response_model=BookingPublic, responses=responses(404, 409, 410, 422))
def confirm_booking(body: BookingCreate, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: service.confirm_booking(session, data=body, now=now),
                      status_code=201)


@router.get("/bookings")
def upcoming_bookings(patient_ref: PatientRef, session: SessionDep, clock: ClockDep) -> list[BookingPublic]:
    return service.upcoming_bookings(session, patient_ref=patient_ref, now=clock.now())


@router.get("/bookings/history")
def booking_history(patient_ref: PatientRef, service_code: Annotated[ServiceCode, Query(alias="service")],
                    session: SessionDep, limit: Annotated[int, Query(ge=1, le=20)] = 5) -> list[BookingPublic]:
    """The patient's booked appointments of a service, past and upcoming, latest first (continuity of care)."""
    return service.booking_history(session, patient_ref=patient_ref, service=service_code, limit=limit)


@router.post("/bookings/{booking_id}/cancel", response_model=BookingPublic, responses=responses(404, 409, 422))
def cancel_booking(booking_id: IdPath, body: PatientRequest, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: service.cancel_booking(
        session, booking_id=booking_id, patient_ref=body.patient_ref, now=now,
        min_notice_minutes=change.settings.min_notice_minutes))


@router.post("/bookings/{booking_id}/reschedule", response_model=BookingPublic, responses=responses(404, 409, 422))
def reschedule_booking(booking_id: IdPath, body: RescheduleRequest, change: StateChangeDep) -> JSONResponse:
    return change.run(body, lambda session, now: service.reschedule_booking(
        session, booking_id=booking_id, data=body, now=now, min_notice_minutes=change.settings.min_notice_minutes))
