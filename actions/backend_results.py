"""What the booking backend answers, as immutable typed results; times are aware and in UK time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Extra, validator

UK = ZoneInfo("Europe/London")


class _Result(BaseModel):
    """An immutable answer from the backend; times are aware and in UK time."""

    class Config:
        allow_mutation = False
        extra = Extra.ignore

    @validator("*", allow_reuse=True)
    def _uk_time(cls, value: Any) -> Any:  # noqa: N805 (pydantic validators take the class)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("the backend sends times with their offset")
            return value.astimezone(UK)
        return value


class Service(_Result):
    code: str
    name: str
    description: str


class PractitionerSummary(_Result):
    id: int
    display_name: str
    role: str


class Location(_Result):
    id: int
    name: str
    postcode: str
    organisation: str


class Slot(_Result):
    id: int
    start: datetime
    end: datetime
    service: str
    practitioner: PractitionerSummary
    location: Location
    channel: str
    distance_km: float | None = None


class Hold(_Result):
    id: int
    slot_id: int
    expires_at: datetime


class Booking(_Result):
    id: int
    status: str
    slot: Slot
    dependant_label: str | None = None
    replaces_id: int | None = None


class Organisation(_Result):
    """A GP practice (or another organisation that runs services), as a patient picks theirs."""

    id: int
    ods_code: str
    name: str
    postcode: str


class PatientPractice(_Result):
    organisation: Organisation | None = None


class Practitioner(_Result):
    id: int
    role: str
    display_name: str
    bio: str
    photo_url: str
    languages: list[str]
    organisation_id: int
    organisation_name: str
    distance_km: float | None = None


class WaitlistPreferences(_Result):
    """What a waitlisted patient would accept; empty lists mean any day or any time of day."""

    weekdays: list[str] = []
    part_of_day: list[str] = []
    channel: str | None = None
    practitioner_id: int | None = None
    near: str | None = None


class WaitlistEntry(_Result):
    id: int
    service: str
    preferences: WaitlistPreferences
    status: str
    created_at: datetime
