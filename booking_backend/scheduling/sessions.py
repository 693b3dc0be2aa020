"""Creating sessions and their exceptions, and generating their slots."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from booking_backend.appointments.models import LIVE_STATUSES, Appointment
from booking_backend.audit import service as audit
from booking_backend.directory.models import Location, Practitioner, Service
from booking_backend.errors import InvalidRequest, NotFound
from booking_backend.scheduling.generator import SessionPattern, slot_times
from booking_backend.scheduling.models import ClinicSession, SessionException, Slot
from booking_backend.scheduling.schemas import RegenerationResult, SessionCreate, SessionExceptionCreate
from booking_backend.scheduling.weekdays import parse_weekdays
from booking_backend.timezone import LONDON, to_london


def create_session(session: Session, *, data: SessionCreate, now: datetime, horizon_days: int) -> ClinicSession:
    practitioner = session.get(Practitioner, data.practitioner_id)
    if practitioner is None:
        raise NotFound(f"No practitioner with id {data.practitioner_id}")
    location = session.get(Location, data.location_id)
    if location is None:
        raise NotFound(f"No location with id {data.location_id}")
    if location.organisation_id != practitioner.organisation_id:
        raise InvalidRequest("The location belongs to another organisation than the practitioner")
    service = session.scalars(select(Service).where(Service.code == data.service)).one()
    clinic = ClinicSession(
        practitioner_id=practitioner.id,
        service_id=service.id,
        location_id=location.id,
        weekdays=",".join(data.weekdays),
        start_time=data.start_time,
        end_time=data.end_time,
        slot_minutes=data.slot_minutes,
        channel=data.channel,
        bookable_online=data.bookable_online,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
    )
    session.add(clinic)
    session.flush()
    audit.record(session, at=now, actor="admin", action="session_created", entity_type="session", entity_id=clinic.id)
    regenerate(session, clinic=clinic, now=now, horizon_days=horizon_days)
    return clinic


def add_exception(
    session: Session, *, session_id: int, data: SessionExceptionCreate, now: datetime, horizon_days: int
) -> RegenerationResult:
    clinic = get_session(session, session_id)
    session.add(
        SessionException(session_id=clinic.id, start_date=data.start_date, end_date=data.end_date, reason=data.reason)
    )
    session.flush()
    session.refresh(clinic, ["exceptions"])
    audit.record(
        session, at=now, actor="admin", action="session_exception_added", entity_type="session", entity_id=clinic.id
    )
    return regenerate(session, clinic=clinic, now=now, horizon_days=horizon_days)


def get_session(session: Session, session_id: int) -> ClinicSession:
    clinic = session.get(ClinicSession, session_id)
    if clinic is None:
        raise NotFound(f"No session with id {session_id}")
    return clinic


def _pattern(clinic: ClinicSession) -> SessionPattern:
    return SessionPattern(
        weekdays=frozenset(parse_weekdays([clinic.weekdays])),
        start_time=clinic.start_time,
        end_time=clinic.end_time,
        slot_minutes=clinic.slot_minutes,
        valid_from=clinic.valid_from,
        valid_to=clinic.valid_to,
        exceptions=[(e.start_date, e.end_date) for e in clinic.exceptions],
    )


def regenerate(session: Session, *, clinic: ClinicSession, now: datetime, horizon_days: int) -> RegenerationResult:
    """Make the session's future slots match its pattern; booked times it no longer covers are reported."""
    today = to_london(now).date()
    last_day = today + timedelta(days=horizon_days - 1)
    horizon_end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=LONDON)
    wanted = {t.start: t for t in slot_times(_pattern(clinic), first_day=today, last_day=last_day) if t.start > now}
    existing = {
        row.start: row
        for row in session.execute(
            select(Slot.id, Slot.start, Slot.active).where(
                Slot.session_id == clinic.id, Slot.start > now, Slot.start < horizon_end
            )
        )
    }
    new_rows = [
        {
            "session_id": clinic.id,
            "service_id": clinic.service_id,
            "practitioner_id": clinic.practitioner_id,
            "location_id": clinic.location_id,
            "channel": clinic.channel,
            "start": t.start,
            "end": t.end,
            "local_weekday": t.local_weekday,
            "local_minute": t.local_minute,
            "active": True,
            "bookable_online": clinic.bookable_online,
        }
        for start, t in wanted.items()
        if start not in existing
    ]
    if new_rows:
        session.execute(insert(Slot), new_rows)
    withdraw = [row.id for start, row in existing.items() if start not in wanted and row.active]
    reinstate = [row.id for start, row in existing.items() if start in wanted and not row.active]
    if withdraw:
        session.execute(update(Slot).where(Slot.id.in_(withdraw)).values(active=False))
    if reinstate:
        session.execute(update(Slot).where(Slot.id.in_(reinstate)).values(active=True))
    session.execute(
        update(Slot).where(Slot.session_id == clinic.id).values(bookable_online=clinic.bookable_online)
    )
    conflicts = (
        list(
            session.scalars(
                select(Appointment.id).where(Appointment.slot_id.in_(withdraw), Appointment.status.in_(LIVE_STATUSES))
            )
        )
        if withdraw
        else []
    )
    return RegenerationResult(
        sessions=1,
        created=len(new_rows),
        withdrawn=len(withdraw),
        reinstated=len(reinstate),
        conflicting_appointment_ids=conflicts,
    )


def regenerate_all(session: Session, *, now: datetime, horizon_days: int) -> RegenerationResult:
    total = RegenerationResult(sessions=0, created=0, withdrawn=0, reinstated=0, conflicting_appointment_ids=[])
    for clinic in session.scalars(select(ClinicSession).order_by(ClinicSession.id)).unique():
        one = regenerate(session, clinic=clinic, now=now, horizon_days=horizon_days)
        total.sessions += 1
        total.created += one.created
        total.withdrawn += one.withdrawn
        total.reinstated += one.reinstated
        total.conflicting_appointment_ids += one.conflicting_appointment_ids
    audit.record(
        session,
        at=now,
        actor="admin",
        action="slots_regenerated",
        entity_type="session",
        entity_id=0,
        details={"sessions": total.sessions, "created": total.created, "withdrawn": total.withdrawn},
    )
    return total
