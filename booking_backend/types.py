"""Field types shared by the API schemas."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, Strict

from booking_backend.timezone import to_london


def _not_a_phone_number(value: str) -> str:
    if not any(ch.isalpha() for ch in value):
        raise ValueError("patient_ref must be the opaque pseudonym, never a phone number or other identifier")
    return value


PatientRef = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_-]{16,128}$",
        description="The patient's pseudonym (an HMAC of their channel address): 16-128 of A-Z a-z 0-9 _ -",
        examples=["p_3f9a1c0b7e6d5a4f"],
    ),
    AfterValidator(_not_a_phone_number),
]

# Ids are INTEGER columns (32-bit on PostgreSQL): a larger number can name nothing, so it is refused as input
# rather than sent to the database, which would fail on it.
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

# Request bodies take values of exactly the JSON type their OpenAPI schema names. Pydantic's lax mode
# would read `true` as the number 1 (schemathesis found `"longitude": true` stored as 1.0), "5" as 5,
# and a number of seconds as a date or a time.
JsonInt = Annotated[int, Strict()]
JsonBool = Annotated[bool, Strict()]
EntityId = Annotated[JsonInt, Field(ge=1, le=MAX_ID)]
Latitude = Annotated[float, Strict(), Field(ge=49, le=61)]
Longitude = Annotated[float, Strict(), Field(ge=-9, le=2)]


def _iso_text(value: object) -> object:
    if isinstance(value, int | float):  # bool is an int
        raise ValueError("must be a string in ISO 8601 form, e.g. 2026-03-29 or 09:30")
    return value


JsonDate = Annotated[date, BeforeValidator(_iso_text)]
JsonTime = Annotated[time, BeforeValidator(_iso_text)]

LondonDateTime = Annotated[
    datetime,
    PlainSerializer(lambda moment: to_london(moment).isoformat(), return_type=str, when_used="json"),
]
