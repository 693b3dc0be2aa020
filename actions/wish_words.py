"""How a time wish reads back to the patient: "on Thursday 10 December, in the morning, not on Fridays".

The bot says what it understood before the times it found, so a misread wish is caught at once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from actions.slot_presenter import clock, long_day
from bot.nlu.time_wishes import Wish

DAY_NAMES = {"mon": "Mondays", "tue": "Tuesdays", "wed": "Wednesdays", "thu": "Thursdays",
             "fri": "Fridays", "sat": "Saturdays", "sun": "Sundays"}


def _clock_words(value: time) -> str:
    return clock(datetime(2000, 1, 3, value.hour, value.minute))


def _listed(words: list[str], joiner: str = "or") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _days(wish: Wish) -> str | None:
    start, end = wish.start, wish.end
    if start is not None and end is not None:
        last = end - timedelta(microseconds=1)
        if start.date() == last.date():
            return f"on {long_day(start)}"
        return f"between {long_day(start)} and {long_day(last)}"
    if start is not None:
        return f"after {clock(start)} on {long_day(start)}"
    if end is not None:
        return f"before {clock(end)} on {long_day(end)}"
    return None


def _times(wish: Wish) -> str | None:
    if wish.exact_time is not None:
        return f"at {_clock_words(wish.exact_time)}"
    low, high = wish.earliest_time_of_day, wish.latest_time_of_day
    if low is not None and high is not None:
        return f"between {_clock_words(low)} and {_clock_words(high)}"
    if low is not None:
        return f"after {_clock_words(low)}"
    if high is not None:
        return f"before {_clock_words(high)}"
    return f"in the {wish.part_of_day}" if wish.part_of_day else None


def describe(wish: Wish) -> str:
    """The wish in words, or "" when there is none."""
    parts = []
    if wish.weekdays:
        parts.append("on " + _listed([DAY_NAMES[d] for d in wish.weekdays]))
    parts += [p for p in (_days(wish), _times(wish)) if p]
    if wish.excluded_weekdays:
        parts.append("not on " + _listed([DAY_NAMES[d] for d in wish.excluded_weekdays]))
    return ", ".join(parts)
