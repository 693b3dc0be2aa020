"""API shapes used only by the admin endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from booking_backend.types import JsonInt, PatientRef


class QuotaUpdate(BaseModel):
    patient_ref: PatientRef
    quota: JsonInt | None = Field(default=None, ge=0, le=100,
                                  description="Appointments in this episode; null: no limit")


class QuotaPublic(BaseModel):
    patient_ref: str
    quota: int | None
