"""API shapes for holds and bookings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from booking_backend.appointments.models import AppointmentStatus
from booking_backend.scheduling.schemas import SlotPublic
from booking_backend.types import EntityId, LondonDateTime, PatientRef


class HoldCreate(BaseModel):
    slot_id: EntityId
    patient_ref: PatientRef


class HoldPublic(BaseModel):
    id: int
    slot_id: int
    expires_at: LondonDateTime


class PatientRequest(BaseModel):
    patient_ref: PatientRef


class BookingCreate(BaseModel):
    hold_id: EntityId
    patient_ref: PatientRef
    dependant_label: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z][A-Za-z .'-]{0,39}$",
        description="For someone else (a child, a cared-for person): a first name or initials only",
    )


class RescheduleRequest(BaseModel):
    patient_ref: PatientRef
    slot_id: EntityId


class BookingPublic(BaseModel):
    id: int
    status: AppointmentStatus
    slot: SlotPublic
    dependant_label: str | None = None
    replaces_id: int | None = None
