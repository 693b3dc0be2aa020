"""API shapes for a patient's practice."""

from __future__ import annotations

from pydantic import BaseModel

from booking_backend.directory.schemas import OrganisationSummary
from booking_backend.types import EntityId, PatientRef


class PracticeUpdate(BaseModel):
    patient_ref: PatientRef
    organisation_id: EntityId


class PatientPractice(BaseModel):
    """The patient's practice; null when they have not said (or are not known yet)."""

    organisation: OrganisationSummary | None
