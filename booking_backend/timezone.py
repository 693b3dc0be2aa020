"""Time zone handling: the database holds UTC, people see Europe/London with its offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

LONDON = ZoneInfo("Europe/London")


def to_london(moment: datetime) -> datetime:
    """The same instant on the UK wall clock (GMT or BST), offset included."""
    return moment.astimezone(LONDON)


def assume_london(moment: datetime) -> datetime:
    """An aware datetime; a naive one is read as UK wall-clock time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LONDON)


def london_wall_clock(day: date, at: time) -> datetime | None:
    """The instant a UK clock shows `at` on `day`, or None when that time is skipped (spring forward)."""
    local = datetime.combine(day, at, tzinfo=LONDON)
    round_trip = local.astimezone(UTC).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite keeps them naive, PostgreSQL as timestamptz."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
