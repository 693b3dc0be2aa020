"""API shapes for waitlist entries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from booking_backend.directory.models import ServiceCode
from booking_backend.scheduling.models import DeliveryChannel
from booking_backend.scheduling.weekdays import format_weekdays, parse_weekdays
from booking_backend.types import EntityId, LondonDateTime, PatientRef


class WaitlistPreferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekdays: list[str] = Field(default_factory=list, description="mon..sun; empty means any day")
    part_of_day: list[str] = Field(default_factory=list, description="morning, afternoon, evening; empty means any")
    channel: DeliveryChannel | None = None
    practitioner_id: EntityId | None = None
    near: str | None = Field(default=None, max_length=40)

    @field_validator("weekdays")
    @classmethod
    def _known_weekdays(cls, value: list[str]) -> list[str]:
        return format_weekdays(parse_weekdays(value)).split(",") if value else []

    @field_validator("part_of_day")
    @classmethod
    def _known_parts(cls, value: list[str]) -> list[str]:
        unknown = set(value) - {"morning", "afternoon", "evening"}
        if unknown:
            raise ValueError(f"unknown part_of_day {sorted(unknown)}; use morning, afternoon or evening")
        return sorted(set(value))


class WaitlistCreate(BaseModel):
    patient_ref: PatientRef
    service: ServiceCode
    preferences: WaitlistPreferences = Field(default_factory=WaitlistPreferences)


class WaitlistPublic(BaseModel):
    id: int
    service: ServiceCode
    preferences: WaitlistPreferences
    status: str
    created_at: LondonDateTime
