"""Weekday codes (mon..sun) as used in the API and in session definitions."""

from __future__ import annotations

from collections.abc import Iterable

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekdays(values: Iterable[str]) -> list[int]:
    """Weekday numbers (0 = Monday) from codes; accepts repeats and comma-separated lists."""
    numbers: set[int] = set()
    for value in values:
        for part in value.split(","):
            code = part.strip().lower()[:3]
            if not code:
                continue
            if code not in WEEKDAY_CODES:
                raise ValueError(f"unknown weekday {part.strip()!r}; use mon, tue, wed, thu, fri, sat or sun")
            numbers.add(WEEKDAY_CODES.index(code))
    return sorted(numbers)


def format_weekdays(numbers: Iterable[int]) -> str:
    return ",".join(WEEKDAY_CODES[n] for n in sorted(set(numbers)))
