"""Slot generation from a session pattern: weekdays, exceptions, validity and the clock changes."""

from __future__ import annotations

from datetime import date, time

from booking_backend.scheduling.generator import SessionPattern, slot_times


def pattern(**overrides: object) -> SessionPattern:
    values: dict[str, object] = {
        "weekdays": frozenset({6}), "start_time": time(0, 30), "end_time": time(3, 0), "slot_minutes": 30,
        "valid_from": date(2026, 1, 1), "valid_to": None, "exceptions": (),
    }
    values.update(overrides)
    return SessionPattern(**values)  # type: ignore[arg-type]


def test_spring_forward_skips_the_missing_hour() -> None:
    starts = [t.start.isoformat() for t in slot_times(pattern(), first_day=date(2026, 3, 29),
                                                       last_day=date(2026, 3, 29))]
    # 01:00 and 01:30 do not exist on 29 March 2026.
    assert starts == ["2026-03-29T00:30:00+00:00", "2026-03-29T02:00:00+01:00", "2026-03-29T02:30:00+01:00"]


def test_autumn_back_keeps_the_first_of_the_repeated_times() -> None:
    starts = [t.start.isoformat() for t in slot_times(pattern(), first_day=date(2026, 10, 25),
                                                       last_day=date(2026, 10, 25))]
    assert starts[:3] == ["2026-10-25T00:30:00+01:00", "2026-10-25T01:00:00+01:00", "2026-10-25T01:30:00+01:00"]
    assert len(starts) == 5


def test_exceptions_and_validity_bound_the_days() -> None:
    weekly = pattern(weekdays=frozenset({0}), start_time=time(9), end_time=time(10), valid_to=date(2026, 2, 28),
                     exceptions=[(date(2026, 2, 9), date(2026, 2, 15))])
    days = sorted({t.start.date() for t in slot_times(weekly, first_day=date(2026, 2, 1), last_day=date(2026, 3, 31))})
    assert days == [date(2026, 2, 2), date(2026, 2, 16), date(2026, 2, 23)]


def test_last_slot_ends_by_the_session_end() -> None:
    times = list(slot_times(pattern(weekdays=frozenset({0}), start_time=time(9), end_time=time(9, 50),
                                    slot_minutes=20), first_day=date(2026, 2, 2), last_day=date(2026, 2, 2)))
    assert [(t.local_minute, t.end.time()) for t in times] == [(540, time(9, 20)), (560, time(9, 40))]
