"""Field types shared by the API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, Field, PlainSerializer

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
EntityId = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

LondonDateTime = Annotated[
    datetime,
    PlainSerializer(lambda moment: to_london(moment).isoformat(), return_type=str, when_used="json"),
]
