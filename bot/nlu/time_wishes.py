"""A patient's time wish over a whole booking conversation, combined the way a receptionist would.

Pure: no I/O, no Rasa. A `Wish` is what the patient has asked for so far; each new message's
`time` entities (bot.nlu.time_parser) are read with `wish_from` and folded in with `combine`:

- a new day or date replaces the days asked for, and keeps the time of day ("after 4" keeps the
  day; "Thursday?" keeps "mornings");
- a new time of day replaces the old one and keeps the days;
- exclusions add up ("not Fridays" then "not Mondays" rules out both);
- a clock time alone ("the 11:20 one") is an exact time on the days already asked for;
- a relative wish ("anything sooner", "a bit later", "the week after", "the Monday after") waits in
  `relative` until `resolve` gives it its anchor: the offered slots, or the appointment being moved.

`to_filters` turns a resolved wish into the `SlotFilters` a search uses; `relaxations` gives the
nearest looser searches to try when nothing fits. Times are Europe/London.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.nlu.time_filters import LONDON, WEEKDAYS, SlotFilters, choose_candidate, slot_filters

Entity = Mapping[str, Any]
_CLOCK_GRAINS = {"hour", "minute", "second"}
# A Duckling date-time whose words name a day ("thursday at 11", "the 14th at 3") rather than a clock alone.
_NAMES_A_DAY = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\d(?:st|nd|rd|th)\b|/|\b(?:today|tonight|tomorrow|tmrw|"
    r"tmr|next|this|week|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
EXACT_SLACK = timedelta(minutes=1)
JUST_AFTER = timedelta(seconds=1)
NEAR_EXACT = timedelta(hours=1)


@dataclass(frozen=True)
class Wish:
    """Days, times of day, exclusions, an exact clock time and pending relative wishes."""

    start: datetime | None = None
    end: datetime | None = None
    weekdays: tuple[str, ...] = ()
    excluded_weekdays: tuple[str, ...] = ()
    part_of_day: str | None = None
    earliest_time_of_day: time | None = None
    latest_time_of_day: time | None = None
    exact_time: time | None = None
    relative: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return self == Wish()

    def days_named(self) -> bool:
        return self.start is not None or self.end is not None or bool(self.weekdays)

    def clock_named(self) -> bool:
        return (self.part_of_day is not None or self.earliest_time_of_day is not None
                or self.latest_time_of_day is not None or self.exact_time is not None)

    def to_json(self) -> dict[str, Any]:
        """A plain JSON value a Rasa slot (and the tracker store) can keep."""
        out: dict[str, Any] = {}
        for name, value in dataclasses.asdict(self).items():
            if isinstance(value, datetime | time):
                out[name] = value.isoformat()
            elif isinstance(value, tuple):
                out[name] = list(value)
            else:
                out[name] = value
        return out

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | None) -> Wish:
        """The wish a slot kept; anything unreadable is no wish (the patient is asked afresh)."""
        if not isinstance(value, Mapping):
            return cls()
        try:
            return cls(
                start=_moment(value.get("start")), end=_moment(value.get("end")),
                weekdays=_days(value.get("weekdays")), excluded_weekdays=_days(value.get("excluded_weekdays")),
                part_of_day=value.get("part_of_day") or None,
                earliest_time_of_day=_clock(value.get("earliest_time_of_day")),
                latest_time_of_day=_clock(value.get("latest_time_of_day")),
                exact_time=_clock(value.get("exact_time")),
                relative=tuple(str(r) for r in value.get("relative") or ()),
            )
        except (TypeError, ValueError):
            return cls()


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(LONDON) if value else None


def _clock(value: Any) -> time | None:
    return time.fromisoformat(value) if value else None


def _days(value: Any) -> tuple[str, ...]:
    wanted = {str(v) for v in value or ()}
    return tuple(d for d in WEEKDAYS if d in wanted)


def _exact_clock(entity: Entity, now: datetime) -> datetime | None:
    """The clock time of a Duckling instant at hour or minute grain ("11:20", "thursday at 11")."""
    info = entity.get("additional_info") or {}
    if info.get("kind") != "instant":
        return None
    candidate = choose_candidate(info.get("values") or [], now) if info.get("values") else None
    if not candidate or candidate.get("type") != "value" or candidate.get("grain") not in _CLOCK_GRAINS:
        return None
    return datetime.fromisoformat(candidate["value"]).astimezone(LONDON)


def wish_from(entities: Iterable[Entity], now: datetime) -> Wish:
    """What one message asks for, from its `time` entities; `now` is when it was parsed."""
    times = [e for e in entities if e.get("entity") == "time" and "additional_info" in e]
    relative = tuple((f"weekday_after:{e['additional_info'].get('day')}" if e["value"] == "weekday_after"
                      else str(e["value"])) for e in times if e["additional_info"].get("kind") == "relative")
    clock_only = [e for e in times if _exact_clock(e, now) and not _NAMES_A_DAY.search(str(e.get("text", "")))]
    exact = None
    if clock_only:
        moment = _exact_clock(clock_only[-1], now)
        exact = moment.time().replace(tzinfo=None) if moment else None
    rest = [e for e in times if e not in clock_only]
    dated = [e for e in rest if _exact_clock(e, now)]
    if dated and exact is None:
        moment = _exact_clock(dated[-1], now)
        exact = moment.time().replace(tzinfo=None) if moment else None
    filters = slot_filters(rest, now)
    start, end = filters.start, filters.end
    if dated and start is not None:
        # "thursday at 11": the day is the wish, the clock is exact within it
        day = start.replace(tzinfo=None).date()
        start, end = _day_start(day), _day_start(day + timedelta(days=1))
    return Wish(start=start, end=end,
                weekdays=tuple(d for d in filters.weekdays if d not in filters.excluded_weekdays)
                if not filters.excluded_weekdays or _positive_days(rest) else (),
                excluded_weekdays=filters.excluded_weekdays, part_of_day=filters.part_of_day,
                earliest_time_of_day=filters.earliest_time_of_day,
                latest_time_of_day=filters.latest_time_of_day, exact_time=exact, relative=relative)


def _positive_days(entities: Sequence[Entity]) -> bool:
    return any(e["additional_info"].get("kind") == "weekdays" for e in entities)


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LONDON)


def combine(previous: Wish, new: Wish) -> Wish:
    """`new` said after `previous`: days and times of day replace, exclusions add up."""
    wish = previous
    if new.days_named():
        wish = dataclasses.replace(wish, start=new.start, end=new.end, weekdays=new.weekdays)
    if new.clock_named():
        wish = dataclasses.replace(wish, part_of_day=new.part_of_day, exact_time=new.exact_time,
                                   earliest_time_of_day=new.earliest_time_of_day,
                                   latest_time_of_day=new.latest_time_of_day)
    if new.excluded_weekdays:
        excluded = set(wish.excluded_weekdays) | set(new.excluded_weekdays)
        wish = dataclasses.replace(
            wish, excluded_weekdays=tuple(d for d in WEEKDAYS if d in excluded),
            weekdays=tuple(d for d in wish.weekdays if d not in excluded))
    if new.days_named() and not new.excluded_weekdays:
        # asking for a day again overrides an earlier "not" of that day
        allowed = set(new.weekdays) | _weekdays_between(new.start, new.end)
        wish = dataclasses.replace(wish, excluded_weekdays=tuple(
            d for d in wish.excluded_weekdays if d not in allowed or not allowed))
    # a relative wish still waiting for its anchor stays until the next wish replaces it
    return wish if new.is_empty() else dataclasses.replace(wish, relative=new.relative)


def _weekdays_between(start: datetime | None, end: datetime | None) -> set[str]:
    if start is None or end is None or end - start > timedelta(days=6):
        return set()
    days, day = set(), start.replace(tzinfo=None).date()
    while _day_start(day) < end:
        days.add(WEEKDAYS[day.weekday()])
        day += timedelta(days=1)
    return days


def _next_weekday(after: date, code: str) -> date:
    ahead = (WEEKDAYS.index(code) - after.weekday() - 1) % 7 + 1
    return after + timedelta(days=ahead)


def resolve(wish: Wish, first: datetime | None, last: datetime | None, now: datetime) -> Wish:
    """Give relative wishes their anchor: `first`/`last` are the earliest and latest times on offer
    (or the appointment being moved, for both). Without an anchor a relative wish is dropped."""
    if not wish.relative or first is None or last is None:
        return dataclasses.replace(wish, relative=())
    first, last = first.astimezone(LONDON), last.astimezone(LONDON)
    for shift in wish.relative:
        if shift == "earlier":
            wish = dataclasses.replace(wish, start=None, end=first, weekdays=())
        elif shift == "later":
            end = wish.end if wish.end and wish.end > last + JUST_AFTER else None
            wish = dataclasses.replace(wish, start=last + JUST_AFTER, end=end)
        elif shift == "week_after":
            monday = first.date() - timedelta(days=first.weekday()) + timedelta(days=7)
            if wish.start is not None and wish.end is not None and wish.end - wish.start > timedelta(days=1):
                wish = dataclasses.replace(wish, start=wish.start + timedelta(days=7),
                                           end=wish.end + timedelta(days=7))
            else:
                wish = dataclasses.replace(wish, start=_day_start(monday), end=_day_start(monday + timedelta(days=7)))
        else:
            day = (first.date() + timedelta(days=7) if shift == "week_later"
                   else first.date() + timedelta(days=1) if shift == "day_after"
                   else _next_weekday(first.date(), shift.partition(":")[2] or WEEKDAYS[first.weekday()]))
            wish = dataclasses.replace(wish, start=_day_start(day), end=_day_start(day + timedelta(days=1)),
                                       weekdays=())
    if wish.start is not None and wish.start < now:
        wish = dataclasses.replace(wish, start=now.astimezone(LONDON))
    return dataclasses.replace(wish, relative=())


def to_filters(wish: Wish) -> SlotFilters:
    """The slot search for a resolved wish; an exact time searches that minute."""
    earliest, latest = wish.earliest_time_of_day, wish.latest_time_of_day
    if wish.exact_time is not None:
        earliest = wish.exact_time
        latest = (datetime.combine(date.min, wish.exact_time) + EXACT_SLACK).time()
    weekdays = tuple(d for d in (wish.weekdays or WEEKDAYS) if d not in wish.excluded_weekdays)
    start, end = wish.start, wish.end
    if start is not None and end is not None and start.date() == (end - timedelta(microseconds=1)).date():
        day = start.replace(tzinfo=None).date()
        if earliest is not None:
            start = max(start, datetime.combine(day, earliest, LONDON))
        if latest is not None:
            end = min(end, datetime.combine(day, latest, LONDON))
    return SlotFilters(start=start, end=end, weekdays=() if weekdays == WEEKDAYS else weekdays,
                       excluded_weekdays=wish.excluded_weekdays,
                       part_of_day=None if wish.exact_time else wish.part_of_day,
                       earliest_time_of_day=earliest, latest_time_of_day=latest)


def relaxations(wish: Wish) -> list[Wish]:
    """Looser wishes to try in turn when nothing fits: near the exact time, then the days alone,
    then only the exclusions and the direction asked for (sooner than, later than)."""
    looser: list[Wish] = []
    if wish.exact_time is not None:
        moment = datetime.combine(date.min, wish.exact_time)
        low = (moment - NEAR_EXACT).time() if moment - NEAR_EXACT >= datetime.combine(date.min, time()) else time()
        high = (moment + NEAR_EXACT).time() if (moment + NEAR_EXACT).date() == date.min else None
        looser.append(dataclasses.replace(wish, exact_time=None, earliest_time_of_day=low, latest_time_of_day=high))
    if wish.clock_named():
        looser.append(dataclasses.replace(wish, exact_time=None, part_of_day=None, earliest_time_of_day=None,
                                          latest_time_of_day=None))
    if wish.days_named():
        looser.append(Wish(excluded_weekdays=wish.excluded_weekdays))
    return [w for w in looser if w != wish]


def same_clock(moment: datetime, clock: time) -> bool:
    local = moment.astimezone(LONDON)
    return (local.hour, local.minute) == (clock.hour, clock.minute)


def picked_by_time(entities: Iterable[Entity], offered: Sequence[datetime], now: datetime, *,
                   clock_needed: bool = True) -> int | None:
    """The 1-based option a message names by its time ("the 11:20 one", "thursday at 2", and, when a clock
    is not needed, "the tuesday one"), if exactly one offered time matches it; else None."""
    wish = wish_from(entities, now)
    if wish.relative or (wish.exact_time is None and (clock_needed or wish.start is None)):
        return None
    matches = [number for number, start in enumerate(offered, start=1)
               if (wish.exact_time is None or same_clock(start, wish.exact_time))
               and (wish.start is None or wish.start <= start.astimezone(LONDON) < (wish.end or start + EXACT_SLACK))]
    return matches[0] if len(matches) == 1 else None
