"""API shapes for sessions and slots."""

from __future__ import annotations

from datetime import date, time
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from booking_backend.directory.models import PractitionerRole, ServiceCode
from booking_backend.scheduling.models import DeliveryChannel
from booking_backend.scheduling.weekdays import format_weekdays, parse_weekdays
from booking_backend.types import EntityId, JsonBool, JsonDate, JsonInt, JsonTime, LondonDateTime


class SessionCreate(BaseModel):
    practitioner_id: EntityId
    service: ServiceCode
    location_id: EntityId
    weekdays: list[str] = Field(min_length=1, description="mon..sun", examples=[["mon", "wed"]])
    start_time: JsonTime = Field(description="UK wall-clock time, e.g. 09:00")
    end_time: JsonTime
    slot_minutes: JsonInt = Field(ge=5, le=240)
    channel: DeliveryChannel = DeliveryChannel.IN_PERSON
    bookable_online: JsonBool = True
    valid_from: JsonDate
    valid_to: JsonDate | None = None

    @field_validator("weekdays")
    @classmethod
    def _known_weekdays(cls, value: list[str]) -> list[str]:
        return format_weekdays(parse_weekdays(value)).split(",")

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.start_time.tzinfo is not None or self.end_time.tzinfo is not None:
            raise ValueError("start_time and end_time are UK wall-clock times without an offset")
        length = (self.end_time.hour * 60 + self.end_time.minute) - (self.start_time.hour * 60 + self.start_time.minute)
        if length < self.slot_minutes:
            raise ValueError("end_time must be at least one slot (slot_minutes) after start_time")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to must not be before valid_from")
        return self


class SessionExceptionCreate(BaseModel):
    start_date: JsonDate
    end_date: JsonDate
    reason: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class SessionPublic(BaseModel):
    id: int
    practitioner_id: int
    service: ServiceCode
    location_id: int
    weekdays: list[str]
    start_time: time
    end_time: time
    slot_minutes: int
    channel: DeliveryChannel
    bookable_online: bool
    valid_from: date
    valid_to: date | None


class RegenerationResult(BaseModel):
    sessions: int
    created: int
    withdrawn: int
    reinstated: int
    conflicting_appointment_ids: list[int] = Field(
        description="Live appointments at times their session no longer covers: staff must rearrange them"
    )


class PractitionerSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    display_name: str
    role: PractitionerRole


class LocationSummary(BaseModel):
    id: int
    name: str
    postcode: str
    organisation: str


class SlotPublic(BaseModel):
    id: int
    start: LondonDateTime
    end: LondonDateTime
    service: ServiceCode
    practitioner: PractitionerSummary
    location: LocationSummary
    channel: DeliveryChannel
    distance_km: float | None = None
