"""Holds, bookings, cancellations and reschedules; the database guarantees one live appointment per slot."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking_backend.appointments.models import Appointment, AppointmentStatus
from booking_backend.appointments.presenters import booking_public
from booking_backend.appointments.schemas import BookingCreate, BookingPublic, HoldPublic, RescheduleRequest
from booking_backend.audit import service as audit
from booking_backend.errors import (
    BookingNotActive,
    HoldExpired,
    HoldNotActive,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    SlotUnavailable,
    TooLateToChange,
)
from booking_backend.patients.models import Patient
from booking_backend.patients.service import ensure_patient, find_patient, require_patient
from booking_backend.scheduling.models import Slot

HELD, BOOKED = AppointmentStatus.HELD, AppointmentStatus.BOOKED
COUNTS_TOWARDS_QUOTA = (AppointmentStatus.BOOKED, AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW)


def _bookable_slot(session: Session, slot_id: int, now: datetime) -> Slot:
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise NotFound(f"No slot with id {slot_id}")
    if not slot.active or not slot.bookable_online:
        raise SlotUnavailable("This slot cannot be booked online; please choose another")
    if slot.start <= now:
        raise SlotUnavailable("This slot has already started; please choose a later one")
    return slot


def _clear_lapsed_holds(session: Session, slot_id: int, now: datetime) -> None:
    """An expired hold never blocks anyone: mark it expired before claiming the slot."""
    session.execute(
        update(Appointment)
        .where(Appointment.slot_id == slot_id, Appointment.status == HELD, Appointment.expires_at <= now)
        .values(status=AppointmentStatus.EXPIRED)
    )


def _release_patients_holds(session: Session, patient: Patient) -> None:
    """A patient holds one slot at a time: choosing another lets the previous one go."""
    session.execute(
        update(Appointment)
        .where(Appointment.patient_id == patient.id, Appointment.status == HELD)
        .values(status=AppointmentStatus.EXPIRED)
    )


def _claim(session: Session, appointment: Appointment) -> None:
    session.add(appointment)
    try:
        session.flush()
    except IntegrityError as error:
        raise SlotUnavailable("Sorry, someone else has just taken this slot; please choose another") from error


def create_hold(session: Session, *, slot_id: int, patient_ref: str, now: datetime, ttl_seconds: int) -> HoldPublic:
    slot = _bookable_slot(session, slot_id, now)
    patient = ensure_patient(session, patient_ref, now=now)
    _release_patients_holds(session, patient)
    _clear_lapsed_holds(session, slot.id, now)
    expires_at = now + timedelta(seconds=ttl_seconds)
    hold = Appointment(slot_id=slot.id, patient_id=patient.id, status=HELD, created_at=now, expires_at=expires_at)
    _claim(session, hold)
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="hold_created", entity_type="appointment",
                 entity_id=hold.id, details={"slot_id": slot.id})
    assert hold.expires_at is not None
    return HoldPublic(id=hold.id, slot_id=slot.id, expires_at=hold.expires_at)


def _patients_appointment(session: Session, appointment_id: int, patient: Patient, what: str) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.patient_id != patient.id:
        raise NotFound(f"No {what} with id {appointment_id} for this patient")
    return appointment


def release_hold(session: Session, *, hold_id: int, patient_ref: str, now: datetime) -> HoldPublic:
    patient = require_patient(session, patient_ref, lock=True, what="hold")
    hold = _patients_appointment(session, hold_id, patient, "hold")
    if hold.status != HELD:
        raise HoldNotActive("This hold is no longer active")
    hold.status = AppointmentStatus.EXPIRED
    hold.expires_at = min(hold.expires_at or now, now)
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="hold_released", entity_type="appointment",
                 entity_id=hold.id)
    return HoldPublic(id=hold.id, slot_id=hold.slot_id, expires_at=hold.expires_at)


def _check_quota(session: Session, patient: Patient) -> None:
    if patient.episode_quota is None:
        return
    stmt = select(func.count()).where(
        Appointment.patient_id == patient.id, Appointment.status.in_(COUNTS_TOWARDS_QUOTA)
    )
    if patient.episode_started_at is not None:
        stmt = stmt.where(Appointment.booked_at >= patient.episode_started_at)
    used = session.scalar(stmt) or 0
    if used >= patient.episode_quota:
        raise QuotaExceeded(
            f"All {patient.episode_quota} appointments of this episode of care are used; "
            "the practice can arrange more"
        )


def confirm_booking(session: Session, *, data: BookingCreate, now: datetime) -> BookingPublic:
    patient = require_patient(session, data.patient_ref, lock=True, what="hold")
    hold = _patients_appointment(session, data.hold_id, patient, "hold")
    if hold.status == BOOKED:
        raise HoldNotActive("This hold has already been confirmed as a booking")
    if hold.status != HELD or (hold.expires_at is not None and hold.expires_at <= now):
        raise HoldExpired("This hold has expired or was released; please choose a slot again")
    _check_quota(session, patient)
    changed = session.execute(
        update(Appointment)
        .where(Appointment.id == hold.id, Appointment.status == HELD, Appointment.expires_at > now)
        .values(status=BOOKED, booked_at=now, expires_at=None, dependant_label=data.dependant_label)
        .execution_options(synchronize_session="fetch")
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise HoldExpired("This hold has expired or was released; please choose a slot again")
    details = {"slot_id": hold.slot_id, "for_dependant": data.dependant_label is not None}
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="booking_confirmed", entity_type="appointment",
                 entity_id=hold.id, details=details)
    # The "fetch" synchronisation above has already put the new values on `hold`: no reload needed.
    return booking_public(hold)


def _changeable_booking(session: Session, *, booking_id: int, patient: Patient, now: datetime,
                        min_notice_minutes: int) -> Appointment:
    booking = _patients_appointment(session, booking_id, patient, "booking")
    if booking.status != BOOKED:
        raise BookingNotActive(f"This appointment is {booking.status.value}, so it cannot be changed")
    if booking.slot.start - now < timedelta(minutes=min_notice_minutes):
        raise TooLateToChange(
            f"Appointments can only be changed online up to {min_notice_minutes} minutes before they start; "
            "please phone the practice"
        )
    return booking


def cancel_booking(session: Session, *, booking_id: int, patient_ref: str, now: datetime,
                   min_notice_minutes: int) -> BookingPublic:
    patient = require_patient(session, patient_ref, lock=True)
    booking = _changeable_booking(session, booking_id=booking_id, patient=patient, now=now,
                                  min_notice_minutes=min_notice_minutes)
    booking.status = AppointmentStatus.CANCELLED
    booking.cancelled_at = now
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="booking_cancelled", entity_type="appointment",
                 entity_id=booking.id, details={"slot_id": booking.slot_id})
    session.flush()
    return booking_public(booking)


def reschedule_booking(session: Session, *, booking_id: int, data: RescheduleRequest, now: datetime,
                       min_notice_minutes: int) -> BookingPublic:
    """Book the new slot and release the old one in one transaction, or change nothing."""
    patient = require_patient(session, data.patient_ref, lock=True)
    old = _changeable_booking(session, booking_id=booking_id, patient=patient, now=now,
                              min_notice_minutes=min_notice_minutes)
    if data.slot_id == old.slot_id:
        raise InvalidRequest("The new slot is the one already booked; choose a different slot")
    slot = _bookable_slot(session, data.slot_id, now)
    if slot.service_id != old.slot.service_id:
        raise InvalidRequest("A booking can only be moved to a slot of the same service")
    _release_patients_holds(session, patient)
    _clear_lapsed_holds(session, slot.id, now)
    new = Appointment(slot_id=slot.id, patient_id=patient.id, status=BOOKED, created_at=now, booked_at=now,
                      dependant_label=old.dependant_label)
    _claim(session, new)
    old.status = AppointmentStatus.CANCELLED
    old.cancelled_at = now
    old.replaced_by_id = new.id
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="booking_rescheduled",
                 entity_type="appointment", entity_id=old.id, details={"new_appointment_id": new.id})
    session.flush()
    return booking_public(new, replaces_id=old.id)


def upcoming_bookings(session: Session, *, patient_ref: str, now: datetime) -> list[BookingPublic]:
    patient = find_patient(session, patient_ref)
    if patient is None:
        return []
    bookings = session.scalars(
        select(Appointment)
        .join(Slot, Appointment.slot_id == Slot.id)
        .where(Appointment.patient_id == patient.id, Appointment.status == BOOKED, Slot.start >= now)
        .order_by(Slot.start)
    ).unique()
    return [booking_public(b) for b in bookings]
