"""Finding and creating patients by pseudonym, with a row lock for quota checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from booking_backend.errors import NotFound
from booking_backend.patients.models import Patient


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
