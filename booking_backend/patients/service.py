"""Finding and creating patients by pseudonym, with a row lock for quota checks."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from booking_backend.audit import service as audit
from booking_backend.database import table_of
from booking_backend.directory.models import Organisation
from booking_backend.errors import NotFound
from booking_backend.patients.models import Patient
from booking_backend.timezone import UtcDateTime

PATIENTS = table_of(Patient)
# The same SQL on PostgreSQL and SQLite, as text: SQLAlchemy compiles its dialects' ON CONFLICT
# constructs again on every execution, a text statement once. The no-op update on conflict is what
# locks an existing row on PostgreSQL (SQLite's write transaction already excludes every other
# writer) and lets RETURNING give the row whether it was created or found.
_LOCK_OR_CREATE = (
    text("INSERT INTO patients (ref, created_at) VALUES (:ref, :created_at) "
         "ON CONFLICT (ref) DO UPDATE SET ref = excluded.ref "
         "RETURNING id, episode_quota, episode_started_at")
    .bindparams(bindparam("created_at", type_=UtcDateTime))
    .columns(id=Integer, episode_quota=Integer, episode_started_at=UtcDateTime)
)


class PatientQuota(NamedTuple):
    """A patient's id and episode quota, as plain values (no ORM object)."""

    id: int
    episode_quota: int | None
    episode_started_at: datetime | None


def find_patient(session: Session, ref: str, *, lock: bool = False) -> Patient | None:
    """The patient with this pseudonym; `lock` serialises their concurrent requests (PostgreSQL)."""
    stmt = select(Patient).where(Patient.ref == ref)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def require_patient(session: Session, ref: str, *, lock: bool = False, what: str = "booking") -> Patient:
    patient = find_patient(session, ref, lock=lock)
    if patient is None:
        raise NotFound(f"No such {what} for this patient")
    return patient


def lock_patient(session: Session, ref: str, *, now: datetime) -> PatientQuota:
    """The patient with this pseudonym, created on first contact, locked until the transaction ends; one
    statement either way."""
    row = session.execute(_LOCK_OR_CREATE, {"ref": ref, "created_at": now}).one()
    return PatientQuota(*row)


def ensure_patient(session: Session, ref: str, *, now: datetime) -> Patient:
    """The patient with this pseudonym, created on first contact, locked for this transaction."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(Patient).values(ref=ref, created_at=now).on_conflict_do_nothing(index_elements=["ref"]))
    patient = find_patient(session, ref, lock=True)
    assert patient is not None
    return patient


def set_quota(session: Session, *, ref: str, quota: int | None, now: datetime) -> Patient:
    """Start a new episode of care for the patient with `quota` appointments (None: no limit)."""
    patient = ensure_patient(session, ref, now=now)
    patient.episode_quota = quota
    patient.episode_started_at = now
    session.flush()
    return patient


def get_practice(session: Session, *, ref: str) -> Organisation | None:
    """The practice the patient with this pseudonym belongs to; None for an unknown patient or none set."""
    stmt = select(Organisation).join(Patient, Patient.practice_id == Organisation.id).where(Patient.ref == ref)
    return session.scalars(stmt).one_or_none()


def set_practice(session: Session, *, ref: str, organisation_id: int, now: datetime) -> Organisation:
    """Remember the patient's practice (the patient is created on first contact); the same again changes nothing."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"No organisation with id {organisation_id}")
    patient = ensure_patient(session, ref, now=now)
    if patient.practice_id != organisation.id:
        patient.practice_id = organisation.id
        session.flush()
        audit.record(session, at=now, actor=f"patient:{patient.id}", action="practice_set", entity_type="patient",
                     entity_id=patient.id, details={"organisation_id": organisation.id})
    return organisation
