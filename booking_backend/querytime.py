"""Parsing date-times given in query strings."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import TypeAdapter, ValidationError

from booking_backend.timezone import assume_london

_DATETIME = TypeAdapter(datetime)
# An unescaped "+" in a query string arrives as a space: "2026-03-20T09:00:00 01:00".
_SPACE_FOR_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def parse_query_datetime(name: str, value: str) -> datetime:
    """An aware datetime from ISO 8601; without an offset it is read as UK time."""
    cleaned = _SPACE_FOR_PLUS.sub(r"\1+\2", value.strip())
    try:
        return assume_london(_DATETIME.validate_python(cleaned))
    except ValidationError:
        raise ValueError(
            f"{name} must be an ISO 8601 date-time such as 2026-03-20T09:00:00+00:00 (got {value!r})"
        ) from None
