"""Pure slot generation: the wall-clock times a recurring session offers between two dates."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from booking_backend.timezone import london_wall_clock


@dataclass(frozen=True)
class SessionPattern:
    weekdays: frozenset[int]  # 0 = Monday
    start_time: time
    end_time: time
    slot_minutes: int
    valid_from: date
    valid_to: date | None
    exceptions: Sequence[tuple[date, date]] = ()


@dataclass(frozen=True)
class SlotTime:
    start: datetime  # aware, Europe/London
    end: datetime
    local_weekday: int
    local_minute: int


def _is_excepted(day: date, exceptions: Sequence[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in exceptions)


def _times_of_day(pattern: SessionPattern) -> Iterator[time]:
    minute = pattern.start_time.hour * 60 + pattern.start_time.minute
    last_start = pattern.end_time.hour * 60 + pattern.end_time.minute - pattern.slot_minutes
    while minute <= last_start:
        yield time(minute // 60, minute % 60)
        minute += pattern.slot_minutes


def slot_times(pattern: SessionPattern, *, first_day: date, last_day: date) -> Iterator[SlotTime]:
    """Every slot of `pattern` on the days from `first_day` to `last_day` inclusive, in order.

    Times are UK wall-clock times, so a 09:00 clinic stays at 09:00 across the clock changes;
    a time the clock skips in spring is left out.
    """
    day = max(first_day, pattern.valid_from)
    end_day = min(last_day, pattern.valid_to) if pattern.valid_to else last_day
    length = timedelta(minutes=pattern.slot_minutes)
    while day <= end_day:
        if day.weekday() in pattern.weekdays and not _is_excepted(day, pattern.exceptions):
            for at in _times_of_day(pattern):
                start = london_wall_clock(day, at)
                if start is not None:
                    yield SlotTime(start, start + length, day.weekday(), at.hour * 60 + at.minute)
        day += timedelta(days=1)
