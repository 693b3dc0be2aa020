"""Joining the waitlist (offers of freed slots are made by the worker)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking_backend.audit import service as audit
from booking_backend.directory.models import Service
from booking_backend.patients.service import ensure_patient
from booking_backend.waitlist.models import WaitlistEntry
from booking_backend.waitlist.schemas import WaitlistCreate, WaitlistPreferences, WaitlistPublic


def join_waitlist(session: Session, *, data: WaitlistCreate, now: datetime) -> WaitlistPublic:
    patient = ensure_patient(session, data.patient_ref, now=now)
    service = session.scalars(select(Service).where(Service.code == data.service)).one()
    entry = WaitlistEntry(
        patient_id=patient.id,
        service_id=service.id,
        preferences=data.preferences.model_dump(mode="json"),
        status="waiting",
        created_at=now,
    )
    session.add(entry)
    session.flush()
    audit.record(session, at=now, actor=f"patient:{patient.id}", action="waitlist_joined", entity_type="waitlist",
                 entity_id=entry.id, details={"service": data.service.value})
    return WaitlistPublic(
        id=entry.id,
        service=service.code,
        preferences=WaitlistPreferences.model_validate(entry.preferences),
        status=entry.status,
        created_at=entry.created_at,
    )
