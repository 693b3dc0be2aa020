"""Holds, bookings, cancellations and reschedules; the database guarantees one live appointment per slot."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking_backend.appointments.models import Appointment, AppointmentStatus
from booking_backend.appointments.presenters import booking_public
from booking_backend.appointments.schemas import BookingCreate, BookingPublic, HoldPublic, RescheduleRequest
from booking_backend.audit import service as audit
from booking_backend.database import sql_constant, table_of
from booking_backend.directory.models import Service, ServiceCode
from booking_backend.errors import (
    BookingNotActive,
    DomainError,
    HoldExpired,
    HoldNotActive,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    SlotUnavailable,
    TooLateToChange,
)
from booking_backend.patients.models import Patient
from booking_backend.patients.service import PATIENTS, PatientQuota, find_patient, lock_patient, require_patient
from booking_backend.scheduling.models import Slot
from booking_backend.scheduling.presenters import SLOTS, public_slot_rows, slot_public_from_row

HELD, BOOKED, EXPIRED = AppointmentStatus.HELD, AppointmentStatus.BOOKED, AppointmentStatus.EXPIRED
COUNTS_TOWARDS_QUOTA = (AppointmentStatus.BOOKED, AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW)
# Holds and bookings run as Core statements on the table: one round trip each, no ORM objects.
APPOINTMENTS = table_of(Appointment)


def _bookable_slot(session: Session, slot_id: int, now: datetime) -> Slot:
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise NotFound(f"No slot with id {slot_id}")
    if not slot.active or not slot.bookable_online:
        raise SlotUnavailable("This slot cannot be booked online; please choose another")
    if slot.start <= now:
        raise SlotUnavailable("This slot has already started; please choose a later one")
    return slot


# Before a claim, in one statement: the patient's other holds lapse (one slot at a time), and so does a
# hold on the slot whose time is up (an expired hold never blocks anyone). The status is a constant in
# the SQL, so that a reusable plan can find the slot's hold through the partial index of live ones.
_MAKE_WAY = (
    update(APPOINTMENTS)
    .where(APPOINTMENTS.c.status == sql_constant(HELD),
           or_(APPOINTMENTS.c.patient_id == bindparam("patient"),
               and_(APPOINTMENTS.c.slot_id == bindparam("slot"), APPOINTMENTS.c.expires_at <= bindparam("now"))))
    .values(status=EXPIRED)
)
# A new appointment on a bookable slot; the partial unique index refuses a second live one. The slot's
# checks ride along with the insert: the reason for a refusal is only looked up after one.
_CLAIM_COLUMNS = ("slot_id", "patient_id", "status", "created_at", "expires_at", "booked_at", "dependant_label")
_CLAIM = (
    APPOINTMENTS.insert()
    .from_select(_CLAIM_COLUMNS,
                 select(*(bindparam(f"new_{name}", type_=APPOINTMENTS.c[name].type) for name in _CLAIM_COLUMNS))
                 .where(SLOTS.c.id == bindparam("new_slot_id"), SLOTS.c.active.is_(True),
                        SLOTS.c.bookable_online.is_(True), SLOTS.c.start > bindparam("new_created_at")))
    .returning(APPOINTMENTS.c.id)
)
# Books a live hold of the patient's, who is found by pseudonym in the same statement, and returns what
# the quota check needs; only a refusal reads the hold again, to say why. The patient's row is not locked
# (a round trip saved on every booking): the quota count cannot miss a concurrent booking of theirs,
# because a patient has at most one live hold (`create_hold` makes way under their lock), a confirm
# waits on that hold's row, and a reschedule swaps one booking for another in a single commit.
_PATIENT_ID = select(PATIENTS.c.id).where(PATIENTS.c.ref == bindparam("ref")).scalar_subquery()
_CONFIRM = (
    update(APPOINTMENTS)
    .where(APPOINTMENTS.c.id == bindparam("hold"), APPOINTMENTS.c.patient_id == _PATIENT_ID,
           APPOINTMENTS.c.status == sql_constant(HELD), APPOINTMENTS.c.expires_at > bindparam("now"))
    .values(status=BOOKED, booked_at=bindparam("now"), expires_at=None, dependant_label=bindparam("label"))
    .returning(APPOINTMENTS.c.slot_id, APPOINTMENTS.c.patient_id,
               *(select(PATIENTS.c[name]).where(PATIENTS.c.id == APPOINTMENTS.c.patient_id).scalar_subquery()
                 .label(name) for name in ("episode_quota", "episode_started_at")))
)
_PUBLIC_SLOT = public_slot_rows().where(SLOTS.c.id == bindparam("slot"))


def _make_way(session: Session, *, patient_id: int, slot_id: int, now: datetime) -> None:
    session.execute(_MAKE_WAY, {"patient": patient_id, "slot": slot_id, "now": now})


def _claim(session: Session, *, slot_id: int, patient_id: int, now: datetime, status: AppointmentStatus,
           expires_at: datetime | None = None, dependant_label: str | None = None) -> int:
    """The new appointment's id, or the reason the slot cannot be claimed."""
    values = {"new_slot_id": slot_id, "new_patient_id": patient_id, "new_status": status, "new_created_at": now,
              "new_expires_at": expires_at, "new_booked_at": now if status == BOOKED else None,
              "new_dependant_label": dependant_label}
    try:
        claimed = session.execute(_CLAIM, values).scalar_one_or_none()
    except IntegrityError as error:
        raise SlotUnavailable("Sorry, someone else has just taken this slot; please choose another") from error
    if claimed is None:
        _bookable_slot(session, slot_id, now)  # raises why
        raise SlotUnavailable("This slot cannot be booked online; please choose another")
    return int(claimed)


def create_hold(session: Session, *, slot_id: int, patient_ref: str, now: datetime, ttl_seconds: int) -> HoldPublic:
    patient = lock_patient(session, patient_ref, now=now)
    _make_way(session, patient_id=patient.id, slot_id=slot_id, now=now)
    expires_at = now + timedelta(seconds=ttl_seconds)
    hold_id = _claim(session, slot_id=slot_id, patient_id=patient.id, now=now, status=HELD, expires_at=expires_at)
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="hold_created", entity_type="appointment",
                 entity_id=hold_id, details={"slot_id": slot_id})
    return HoldPublic(id=hold_id, slot_id=slot_id, expires_at=expires_at)


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


def _check_quota(session: Session, patient: Patient | PatientQuota, *, besides: int | None = None) -> None:
    """Refuses when the episode's appointments are used up, not counting appointment `besides`."""
    if patient.episode_quota is None:
        return
    column = APPOINTMENTS.c
    stmt = select(func.count()).where(column.patient_id == patient.id, column.status.in_(COUNTS_TOWARDS_QUOTA))
    if patient.episode_started_at is not None:
        stmt = stmt.where(column.booked_at >= patient.episode_started_at)
    if besides is not None:
        stmt = stmt.where(column.id != besides)
    used = session.scalar(stmt) or 0
    if used >= patient.episode_quota:
        raise QuotaExceeded(
            f"All {patient.episode_quota} appointments of this episode of care are used; "
            "the practice can arrange more"
        )


def _unconfirmable(session: Session, *, hold_id: int, patient_ref: str) -> DomainError:
    """Why a hold could not be confirmed, from what it is now."""
    hold = session.execute(
        select(PATIENTS.c.ref, APPOINTMENTS.c.status)
        .join_from(APPOINTMENTS, PATIENTS, PATIENTS.c.id == APPOINTMENTS.c.patient_id)
        .where(APPOINTMENTS.c.id == hold_id)
    ).one_or_none()
    if hold is None or hold.ref != patient_ref:
        return NotFound(f"No hold with id {hold_id} for this patient")
    if hold.status == BOOKED:
        return HoldNotActive("This hold has already been confirmed as a booking")
    return HoldExpired("This hold has expired or was released; please choose a slot again")


def confirm_booking(session: Session, *, data: BookingCreate, now: datetime) -> BookingPublic:
    """Book a live hold of this patient: the update checks it, and only a refusal reads it again."""
    confirmed = session.execute(_CONFIRM, {"hold": data.hold_id, "ref": data.patient_ref, "now": now,
                                           "label": data.dependant_label}).one_or_none()
    if confirmed is None:
        raise _unconfirmable(session, hold_id=data.hold_id, patient_ref=data.patient_ref)
    patient = PatientQuota(confirmed.patient_id, confirmed.episode_quota, confirmed.episode_started_at)
    _check_quota(session, patient, besides=data.hold_id)
    details = {"slot_id": confirmed.slot_id, "for_dependant": data.dependant_label is not None}
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="booking_confirmed", entity_type="appointment",
                 entity_id=data.hold_id, details=details)
    slot = session.execute(_PUBLIC_SLOT, {"slot": confirmed.slot_id}).one()
    return BookingPublic(id=data.hold_id, status=BOOKED, slot=slot_public_from_row(slot),
                         dependant_label=data.dependant_label)


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
    _make_way(session, patient_id=patient.id, slot_id=slot.id, now=now)
    new = session.get_one(Appointment, _claim(session, slot_id=slot.id, patient_id=patient.id, now=now,
                                              status=BOOKED, dependant_label=old.dependant_label))
    old.status = AppointmentStatus.CANCELLED
    old.cancelled_at = now
    old.replaced_by_id = new.id
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="booking_rescheduled",
                 entity_type="appointment", entity_id=old.id, details={"new_appointment_id": new.id})
    session.flush()
    return booking_public(new, replaces_id=old.id)


def _booked(session: Session, patient_ref: str, query: Select[tuple[Appointment]]) -> list[BookingPublic]:
    """The patient's booked appointments that `query` (over appointments joined to their slots) keeps."""
    patient = find_patient(session, patient_ref)
    if patient is None:
        return []
    bookings = session.scalars(
        query.where(Appointment.patient_id == patient.id, Appointment.status == BOOKED)).unique()
    return [booking_public(b) for b in bookings]


def _with_slots() -> Select[tuple[Appointment]]:
    return select(Appointment).join(Slot, Appointment.slot_id == Slot.id)


def booking_history(session: Session, *, patient_ref: str, service: ServiceCode, limit: int) -> list[BookingPublic]:
    """The patient's booked appointments of one service, past and upcoming, latest start first (for
    continuity of care: who they saw, or will see, before). Cancelled and moved ones do not count."""
    return _booked(session, patient_ref, _with_slots().join(Service, Slot.service_id == Service.id)
                   .where(Service.code == service).order_by(Slot.start.desc()).limit(limit))


def upcoming_bookings(session: Session, *, patient_ref: str, now: datetime) -> list[BookingPublic]:
    return _booked(session, patient_ref, _with_slots().where(Slot.start >= now).order_by(Slot.start))
