"""Holds and bookings: every state change honours Idempotency-Key."""

from __future__ import annotations

from fastapi import APIRouter, Request
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
from booking_backend.dependencies import ClockDep, IdempotencyKey, SessionDep, SettingsDep
from booking_backend.errors_http import responses
from booking_backend.idempotency.service import fingerprint, run_once
from booking_backend.types import PatientRef

router = APIRouter(prefix="/v1", tags=["appointments"])


@router.post("/holds", status_code=201, response_model=HoldPublic, responses=responses(404, 409, 422))
def create_hold(
    body: HoldCreate,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    now = clock.now()
    return run_once(
        session,
        key=idempotency_key,
        print_=fingerprint(request.url.path, body),
        clock=clock,
        status_code=201,
        operation=lambda: service.create_hold(
            session, slot_id=body.slot_id, patient_ref=body.patient_ref, now=now, ttl_seconds=settings.hold_ttl_seconds
        ),
    )


@router.post("/holds/{hold_id}/release", response_model=HoldPublic, responses=responses(404, 409, 422))
def release_hold(
    hold_id: int,
    body: PatientRequest,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    now = clock.now()
    return run_once(
        session,
        key=idempotency_key,
        print_=fingerprint(request.url.path, body),
        clock=clock,
        status_code=200,
        operation=lambda: service.release_hold(session, hold_id=hold_id, patient_ref=body.patient_ref, now=now),
    )


@router.post("/bookings", status_code=201, response_model=BookingPublic, responses=responses(404, 409, 410, 422))
def confirm_booking(
    body: BookingCreate,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    now = clock.now()
    return run_once(
        session,
        key=idempotency_key,
        print_=fingerprint(request.url.path, body),
        clock=clock,
        status_code=201,
        operation=lambda: service.confirm_booking(session, data=body, now=now),
    )


@router.get("/bookings")
def upcoming_bookings(patient_ref: PatientRef, session: SessionDep, clock: ClockDep) -> list[BookingPublic]:
    return service.upcoming_bookings(session, patient_ref=patient_ref, now=clock.now())


@router.post("/bookings/{booking_id}/cancel", response_model=BookingPublic, responses=responses(404, 409, 422))
def cancel_booking(
    booking_id: int,
    body: PatientRequest,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    now = clock.now()
    return run_once(
        session,
        key=idempotency_key,
        print_=fingerprint(request.url.path, body),
        clock=clock,
        status_code=200,
        operation=lambda: service.cancel_booking(
            session,
            booking_id=booking_id,
            patient_ref=body.patient_ref,
            now=now,
            min_notice_minutes=settings.min_notice_minutes,
        ),
    )


@router.post("/bookings/{booking_id}/reschedule", response_model=BookingPublic, responses=responses(404, 409, 422))
def reschedule_booking(
    booking_id: int,
    body: RescheduleRequest,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    now = clock.now()
    return run_once(
        session,
        key=idempotency_key,
        print_=fingerprint(request.url.path, body),
        clock=clock,
        status_code=200,
        operation=lambda: service.reschedule_booking(
            session, booking_id=booking_id, data=body, now=now, min_notice_minutes=settings.min_notice_minutes
        ),
    )
