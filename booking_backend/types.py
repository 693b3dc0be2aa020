"""Field types shared by the API schemas."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import Path
from pydantic import BeforeValidator, Field, PlainSerializer, Strict

from booking_backend.timezone import to_london

# The only shape the action server sends (actions/patient_ref.py): "p_" + an HMAC-SHA256 hexdigest. Anything
# else (a phone number, a chat id, a channel-prefixed address) is an identifier that must never reach us.
PATIENT_REF_PATTERN = r"^p_[0-9a-f]{64}$"

PatientRef = Annotated[
    str,
    Field(
        pattern=PATIENT_REF_PATTERN,
        description="The patient's pseudonym: `p_` followed by the 64 lowercase hex digits of an HMAC-SHA256 "
        "of their channel address under the action server's secret; never a phone number or chat id",
        examples=["p_" + "3f9a1c0b7e6d5a4f" * 4],
    ),
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
