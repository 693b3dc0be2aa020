"""Turn the `time` entities of bot.nlu.time_parser into booking-backend slot-search filters.

Pure: no I/O, no Rasa, no Duckling; actions call `slot_filters(entities, now)` and pass
`SlotFilters.to_query_params()` to `GET /v1/slots`. Clock bounds such as "after 4pm" have no
query parameter in the backend contract: they narrow `start`/`end` when the search covers one day
and are otherwise checked on the returned slots with `SlotFilters.matches_time_of_day`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS_OF_DAY = ("morning", "afternoon", "evening")
# Candidates at these local hours are what a patient almost never means by "at 3" or "at 10".
_SURGERY_HOURS = range(7, 21)
_EXACT_GRAINS = {"second": timedelta(seconds=1), "minute": timedelta(minutes=1),
                 "hour": timedelta(hours=1)}
_CALENDAR_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class SlotFilters:
    """What a patient's time wishes allow, in the backend's terms (times in Europe/London)."""

    start: datetime | None = None
    end: datetime | None = None
    weekdays: tuple[str, ...] = ()
    excluded_weekdays: tuple[str, ...] = ()
    part_of_day: str | None = None
    earliest_time_of_day: time | None = None
    latest_time_of_day: time | None = None
    sources: tuple[str, ...] = field(default=(), compare=False)

    def to_query_params(self) -> dict[str, str | list[str]]:
        """`GET /v1/slots` parameters; `weekday` is a list (send it as a repeated parameter)."""
        params: dict[str, str | list[str]] = {}
        if self.start is not None:
            params["start"] = self.start.isoformat()
        if self.end is not None:
            params["end"] = self.end.isoformat()
        if self.weekdays:
            params["weekday"] = list(self.weekdays)
        if self.part_of_day is not None:
            params["part_of_day"] = self.part_of_day
        return params

    def matches_time_of_day(self, slot_start: datetime) -> bool:
        """Whether a slot starting then keeps to the clock bounds ("after 4pm", "before 10")."""
        clock = slot_start.astimezone(LONDON).time()
        if self.earliest_time_of_day is not None and clock < self.earliest_time_of_day:
            return False
        return self.latest_time_of_day is None or clock < self.latest_time_of_day


def _parse(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso).astimezone(LONDON) if iso else None


def _after_grain(start: datetime, grain: str) -> datetime:
    """The end of the `grain` that begins at `start`, in wall-clock terms across clock changes."""
    if grain in _EXACT_GRAINS:
        return (start.astimezone(ZoneInfo("UTC")) + _EXACT_GRAINS[grain]).astimezone(LONDON)
    local = start.replace(tzinfo=None)
    if grain in _CALENDAR_MONTHS:
        month = local.month - 1 + _CALENDAR_MONTHS[grain]
        local = local.replace(year=local.year + month // 12, month=month % 12 + 1)
    else:
        local += timedelta(days=7 if grain == "week" else 1)
    return local.replace(tzinfo=LONDON)


def candidate_range(candidate: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """The [start, end) one Duckling candidate covers; None for an open side."""
    if candidate.get("type") == "interval":
        return _parse(candidate.get("from")), _parse(candidate.get("to"))
    start = _parse(candidate.get("value"))
    return start, _after_grain(start, candidate.get("grain") or "day") if start else None


def _plausible(candidate: Mapping[str, Any], now: datetime) -> tuple[bool, bool]:
    start, end = candidate_range(candidate)
    future = end is None or end > now
    clock_grain = candidate.get("grain") in _EXACT_GRAINS and candidate.get("type") == "value"
    daytime = not clock_grain or (start is not None and start.hour in _SURGERY_HOURS)
    return future, daytime


def choose_candidate(candidates: Sequence[Mapping[str, Any]], now: datetime) -> Mapping[str, Any]:
    """The first candidate not yet past, preferring surgery hours ("at 3" is 3pm, not 3am)."""
    marks = [_plausible(c, now) for c in candidates]
    for wanted in ((True, True), (True, False)):
        for candidate, mark in zip(candidates, marks, strict=True):
            if mark == wanted:
                return candidate
    return candidates[0]


def _overlaps(entity: Mapping[str, Any], spans: Iterable[tuple[int, int]]) -> bool:
    return any(entity["start"] < end and start < entity["end"] for start, end in spans)


def _clock(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _single_day(start: datetime | None, end: datetime | None) -> bool:
    return (start is not None and end is not None
            and start.date() == (end - timedelta(microseconds=1)).date())


def slot_filters(entities: Iterable[Mapping[str, Any]], now: datetime) -> SlotFilters:
    """Slot-search filters from a message's entities (non-`time` ones are ignored).

    `now` is the reference time the entities were parsed against (timezone-aware). Dates and
    intervals are united; recurring weekdays ("any Tuesday") win over the single dates Duckling
    proposes for the same words; excluded weekdays become the complement the backend can search.
    """
    now = now.astimezone(LONDON)
    times = [e for e in entities if e.get("entity") == "time" and "additional_info" in e]
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for entity in times:
        by_kind.setdefault(entity["additional_info"].get("kind", ""), []).append(entity)

    weekday_entities = by_kind.get("weekdays", [])
    recurring = [(e["start"], e["end"]) for e in weekday_entities
                 if e["additional_info"].get("recurring")]
    wanted = {day for e in weekday_entities for day in e["value"]}

    ranges, day_picks = [], set()
    for entity in by_kind.get("instant", []) + by_kind.get("interval", []):
        if _overlaps(entity, recurring):
            continue  # "any Tuesday": Duckling's next three Tuesdays are examples, not the ask
        candidate = choose_candidate(entity["additional_info"]["values"], now)
        low, high = candidate_range(candidate)
        if high is not None and high <= now:
            continue  # history ("since last week"), not a wish
        ranges.append((low, high))
        if low is not None and candidate.get("type") == "value" and candidate.get("grain") == "day":
            day_picks.add(WEEKDAYS[low.weekday()])

    start = end = None
    if ranges:
        starts, ends = [r[0] for r in ranges], [r[1] for r in ranges]
        start = None if None in starts else min(s for s in starts if s)
        end = None if None in ends else max(e for e in ends if e)
        if len(day_picks) > 1 and start and end and end - start <= timedelta(days=7):
            wanted |= day_picks  # "Monday or Wednesday": not the Tuesday between them
    if start is not None and start < now:
        start = now

    excluded = {day for e in by_kind.get("excluded_weekdays", []) for day in e["value"]}
    allowed = (wanted or set(WEEKDAYS)) - excluded
    if not allowed:
        logger.debug("Exclusions would rule out every wanted weekday; ignoring them")
        allowed = wanted
    weekdays = tuple(d for d in WEEKDAYS if d in allowed) if allowed != set(WEEKDAYS) else ()

    parts = {e["value"] for e in by_kind.get("part_of_day", []) if e["value"] in PARTS_OF_DAY}
    earliest = max((c for e in by_kind.get("time_of_day", [])
                    if (c := _clock(e["value"].get("earliest")))), default=None)
    latest = min((c for e in by_kind.get("time_of_day", [])
                  if (c := _clock(e["value"].get("latest")))), default=None)
    if _single_day(start, end):
        assert start is not None and end is not None
        day = start.replace(tzinfo=None).date()
        if earliest is not None:
            start = max(start, datetime.combine(day, earliest, LONDON))
        if latest is not None:
            end = min(end, datetime.combine(day, latest, LONDON))

    return SlotFilters(
        start=start, end=end, weekdays=weekdays,
        excluded_weekdays=tuple(d for d in WEEKDAYS if d in excluded),
        part_of_day=parts.pop() if len(parts) == 1 else None,
        earliest_time_of_day=earliest, latest_time_of_day=latest,
        sources=tuple(e["text"] for e in times if "text" in e),
    )
