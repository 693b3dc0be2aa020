"""Rasa NLU component that tags time phrases as `time` entities, using Duckling in a worker process.

Use it in config.yml as `- name: bot.nlu.time_parser.TimeParser`. Every entity it adds has
`entity: "time"`, the matched `start`/`end`/`text`, and an `additional_info["kind"]`:

- `instant` / `interval`: a date or time; `additional_info["values"]` holds EVERY candidate
  Duckling (or a rule below) returned, each `{"type": "value", "value": iso, "grain": g}` or
  `{"type": "interval", "from": iso | None, "to": iso | None, "grain": g}`; `value` is the first.
- `weekdays`: `value` like `["tue"]`, with `additional_info["recurring"]` ("any Tuesday",
  "weekends") or not ("this weekend").
- `excluded_weekdays`: `value` like `["mon"]` ("not Mondays", "any day but Friday").
- `part_of_day`: `value` is `morning`, `afternoon` or `evening`.
- `time_of_day`: `value` is `{"earliest": "HH:MM" | None, "latest": "HH:MM" | None}`, local
  clock bounds ("after 4pm", "before 10", "between 2 and 4pm", "not mornings").
- `relative`: a wish relative to what was offered or to the appointment being moved; `value` is
  `earlier` ("anything sooner?"), `later` ("a bit later"), `week_after` ("the week after"),
  `week_later` ("a week later": the same day a week on), `day_after` ("the day after") or
  `weekday_after` with `additional_info["day"]` ("the Monday after"). bot/nlu/time_wishes.py
  resolves them against an anchor.

Rules cover what Duckling lacks or gets wrong for booking (negations, bare parts of the day, clock
bounds, "in the next 2 weeks" meaning from now, "soonest"). Duckling then reads the text with the
rules' spans hidden: by spaces for clock bounds ("next week after 4pm on Friday" stays one date),
by ";" otherwise ("Monday not Tuesdays morning" is not "Monday morning"). Times: Europe/London.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.duckling_worker import duckling_times

logger = logging.getLogger(__name__)

Entity = dict[str, Any]
_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DAY_NAMES = {
    "mon": ("mon",), "monday": ("mon",), "tue": ("tue",), "tues": ("tue",), "tuesday": ("tue",),
    "wed": ("wed",), "weds": ("wed",), "wednesday": ("wed",), "thu": ("thu",), "thur": ("thu",),
    "thurs": ("thu",), "thursday": ("thu",), "fri": ("fri",), "friday": ("fri",),
    "sat": ("sat",), "saturday": ("sat",), "sun": ("sun",), "sunday": ("sun",),
    "weekday": ("mon", "tue", "wed", "thu", "fri"), "weekend": ("sat", "sun"),
}
_DAY = r"(?:{})s?".format("|".join(sorted(_DAY_NAMES, key=len, reverse=True)))
_DAYS = rf"{_DAY}(?:\s*(?:,|/|&|\bor\b|\band\b|\bnor\b)\s*(?:on\s+)?(?:a\s+)?{_DAY})*"
_NOT = (r"not|no|never|except|excluding|apart\s+from|other\s+than|but\s+not|"
        r"can[’']?t\s+(?:do|make)|cannot\s+(?:do|make)|unable\s+to\s+do")
_NEGATED_DAYS = [
    re.compile(rf"\b(?:{_NOT})\s+(?:on\s+)?(?:a\s+|the\s+|any\s+)?(?P<days>{_DAYS})\b", re.I),
    re.compile(rf"\b(?:any\s*(?:day|time)|whenever|anything)\s+but\s+(?:on\s+)?(?:a\s+)?"
               rf"(?P<days>{_DAYS})\b", re.I),
    re.compile(rf"\b(?P<days>{_DAYS})(?:\s+(?:is|are)|[’']s)\s+(?:no\s+good|not\s+good|bad|out|"
               rf"impossible|not\s+possible|difficult|tricky)\b", re.I),
]
_NEGATED_PART = re.compile(rf"\b(?:{_NOT})\s+(?:in\s+the\s+)?(?P<part>morning|evening)s?\b", re.I)
_RECURRING_DAYS = re.compile(
    rf"\b(?:any|every|all|most)\s+(?:other\s+)?(?P<days>{_DAYS})\b"
    r"|\b(?P<plural>(?:mon|tues|wednes|thurs|fri|satur|sun|week)days|weekends?)\b", re.I)
_SPECIFIC_WEEKEND = re.compile(r"\b(?:this|next|the\s+coming|coming)\s+weekend\b", re.I)
_PARTS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
          "tonight": "evening", "first thing": "morning", "lunchtime": "afternoon",
          "lunch time": "afternoon", "after lunch": "afternoon", "after work": "evening"}
_PART = re.compile(r"\b(?P<part>morning|afternoon|evening|tonight|first\s+thing|lunch\s*time|"
                   r"after\s+lunch|after\s+work)s?\b", re.I)
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am\b|pm\b|a\.m\.?|p\.m\.?|o[’']?clock\b)?"
_NOT_A_CLOCK = (r"(?!\s*(?:days?|weeks?|months?|years?|hours?|hrs?|mins?|minutes?)\b"
                r"|st\b|nd\b|rd\b|th\b|/|\d)")
_AFTER = r"after|from|later\s+than|no\s+earlier\s+than|not\s+before"
_BEFORE = r"before|by|earlier\s+than|no\s+later\s+than|not\s+after|until|till"
_BETWEEN = re.compile(rf"\b(?:between|from)\s+{_CLOCK}\s*(?:and|to|-|until|till)\s*"
                      rf"{_CLOCK}{_NOT_A_CLOCK}", re.I)
_BOUND = re.compile(rf"\b(?:(?P<after>{_AFTER})|(?P<before>{_BEFORE}))\s+(?:about\s+|around\s+)?"
                    rf"{_CLOCK}{_NOT_A_CLOCK}", re.I)
_WITHIN = re.compile(r"\b(?:in|within|over|during)\s+the\s+(?:next|coming)\s+"
                     r"(?:(?P<n>\d{1,2}|a|one|two|three|four|five|six|couple(?:\s+of)?|few)\s+)?"
                     r"(?P<unit>days?|weeks?|fortnight|months?)\b", re.I)
_ASAP = re.compile(r"\b(?:asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+(?:possible|poss|you\s+can)|soonest|"
                   r"earliest(?:\s+(?:possible|available))?|first\s+available|next\s+available|"
                   r"as\s+early\s+as\s+possible)(?!\w)", re.I)
_RELATIVE = [
    ("later", re.compile(r"\b(?:any\s*more|more|other|different|next\s+(?:few|lot|set))\s+(?:times?|slots?|"
                         r"appointments?|appts?|options?|dates?|days?)\b|\b(?:show|give|send)\s+(?:me\s+)?(?:some\s+)?"
                         r"(?:more|others)\b|\bany\s*(?:more|others)\s*\??\s*$|\bnext\s+(?:few|lot|set)\b", re.I)),
    ("weekday_after", re.compile(rf"\b(?:the\s+|that\s+)?(?P<day>{_DAY})\s+after(?:\s+(?:that|it))?\b"
                                 r"(?!\s*(?:next|\d))", re.I)),
    ("week_later", re.compile(r"\b(?:a|one|1)\s+week\s+(?:later|after(?:\s+(?:that|it))?)\b"
                              r"|\bsame\s+(?:day|time)\s+(?:the\s+)?(?:following|next)\s+week\b", re.I)),
    ("week_after", re.compile(r"\b(?:the\s+)?week\s+after(?:\s+(?:that|it))?\b(?!\s*next)"
                              r"|\bthe\s+following\s+week\b", re.I)),
    ("day_after", re.compile(r"\b(?:the\s+)?day\s+after(?:\s+(?:that|it))?\b(?!\s*tomorrow)"
                             r"|\bthe\s+next\s+day\b", re.I)),
    ("earlier", re.compile(r"\b(?:sooner|earlier|before\s+(?:that|then|those|them))\b(?!\s*than)", re.I)),
    ("later", re.compile(r"\b(?:later|after\s+(?:that|then|those|them))\b(?!\s*than)", re.I)),
]
_WEEK_AFTER_NEXT = re.compile(r"\b(?:the\s+)?week\s+after\s+next\b", re.I)
# Text-speak Duckling does not read: "nxt wk", "tmrw".
_NEXT_WEEK_SHORT = re.compile(r"\b(?:nxt|nex)\s+w(?:ee)?k\b|\bnext\s+wk\b", re.I)
_TOMORROW_SHORT = re.compile(r"\b(?:tmrw|tmrow|tmr|tmoz|tomoz|2moro|2morro|2morrow|tomorow|tommorow|tommorrow)\b", re.I)
# "the one on the 15th", "that one": a pronoun, not one o'clock (kept after "at", "after", "before"...).
_PRONOUN_ONE = re.compile(r"(?<![:.\d])\bone\b(?!\s*(?:o[’']?clock|pm|am|p\.m|a\.m|thirty|fifteen|forty|[:.]\d))",
                          re.I)
_CLOCK_WORDS_BEFORE = re.compile(r"\b(?:at|after|before|around|about|by|till|until|from|to|and|past|half)\s*$", re.I)
# Words Duckling reads as dates that patients mostly mean otherwise ("I sat down", "a fall").
_NOT_DATES = frozenset({"sat", "sun", "wed", "mar", "fall", "the second", "second"})
_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "few": 3}


@dataclass(frozen=True)
class RuleMatch:
    """A time constraint found by the rules; a `mask` (" " or ";") hides its span from Duckling."""
    start: int
    end: int
    kind: str
    value: Any
    mask: str
    extra: tuple[tuple[str, Any], ...] = ()


def day_codes(words: str) -> tuple[str, ...]:
    """Weekday codes (mon..sun, in week order) named in a phrase like "Mon, Tues or weekends"."""
    found: set[str] = set()
    for word in re.findall(r"[a-z]+", words.lower()):
        found.update(_DAY_NAMES.get(word) or _DAY_NAMES.get(word.removesuffix("s"), ()))
    return tuple(code for code in _WEEK if code in found)


def _clock(hour: str, minute: str | None, suffix: str | None) -> str | None:
    h, m, s = int(hour), int(minute or 0), (suffix or "").lower()
    if s.startswith("p") and h < 12:
        h += 12
    elif s.startswith("a") and h == 12:
        h = 0
    elif not s.startswith(("a", "p")) and 1 <= h <= 7:
        h += 12  # surgeries are shut at 1-7am, so a bare "after 4" means 4pm
    return f"{h:02d}:{m:02d}" if h <= 23 and m <= 59 else None


def _within_end(reference: datetime, count: int, unit: str) -> datetime:
    day = reference.date()
    if unit.startswith("month"):
        month = day.month - 1 + count
        day = day.replace(year=day.year + month // 12, month=month % 12 + 1, day=min(day.day, 28))
    else:
        day += timedelta(days=count * {"d": 1, "w": 7, "f": 14}[unit[0]])
    return datetime(day.year, day.month, day.day, tzinfo=reference.tzinfo)


def find_time_rules(text: str, reference_time: datetime) -> list[RuleMatch]:
    """Constraints Duckling does not give: negations, parts of day, clock bounds, soonest."""
    found: list[RuleMatch] = []

    def add(match: re.Match[str], kind: str, value: Any, mask: str, **extra: Any) -> None:
        if all(match.end() <= f.start or match.start() >= f.end for f in found):
            found.append(RuleMatch(match.start(), match.end(), kind, value, mask,
                                   tuple(sorted(extra.items()))))

    for pattern in _NEGATED_DAYS:
        for m in pattern.finditer(text):
            add(m, "excluded_weekdays", list(day_codes(m["days"])), ";")
    for m in _NEGATED_PART.finditer(text):
        morning = m["part"].lower() == "morning"
        add(m, "time_of_day", {"earliest": "12:00" if morning else None,
                               "latest": None if morning else "17:00"}, ";")
    for m in _SPECIFIC_WEEKEND.finditer(text):
        add(m, "weekdays", ["sat", "sun"], "", recurring=False)
    for m in _RECURRING_DAYS.finditer(text):
        add(m, "weekdays", list(day_codes(m[0])), "", recurring=True)
    for m in _BETWEEN.finditer(text):
        late = _clock(m[4], m[5], m[6])
        early = _clock(m[1], m[2], m[3] or (m[6] if m[6] and int(m[1]) <= int(m[4]) else None))
        if early and late:
            add(m, "time_of_day", {"earliest": early, "latest": late}, " ")
    for m in _BOUND.finditer(text):
        value = _clock(m[3], m[4], m[5])
        if value:
            bound = "earliest" if m["after"] else "latest"
            add(m, "time_of_day", {"earliest": None, "latest": None, bound: value}, " ")
    _spans_from_now(text, reference_time, add)
    for m in _PART.finditer(text):
        add(m, "part_of_day", _PARTS[" ".join(m["part"].lower().split())], "")
    return sorted(found, key=lambda match: match.start)


def _spans_from_now(text: str, reference_time: datetime, add: Callable[..., None]) -> None:
    """Spans counted from now ("in the next 2 weeks", "the week after next", "asap") and wishes
    relative to what was offered ("anything sooner", "the Monday after")."""
    for m in _WITHIN.finditer(text):
        n = (m["n"] or "1").split()[0].lower()
        end = _within_end(reference_time, int(n) if n.isdigit() else _COUNTS.get(n, 2),
                          m["unit"].lower())
        add(m, "interval", [_interval(reference_time, end, "day")], ";")
    for shift, pattern in _RELATIVE:
        for m in pattern.finditer(text):
            day = {"day": day_codes(m["day"])[0]} if shift == "weekday_after" else {}
            add(m, "relative", shift, ";", **day)
    monday = reference_time.date() - timedelta(days=reference_time.weekday())
    for weeks, pattern in ((2, _WEEK_AFTER_NEXT), (1, _NEXT_WEEK_SHORT)):
        for m in pattern.finditer(text):
            start = datetime.combine(monday + timedelta(days=7 * weeks), time(), reference_time.tzinfo)
            add(m, "interval", [_interval(start, start + timedelta(days=7), "week")], ";")
    for m in _TOMORROW_SHORT.finditer(text):
        start = datetime.combine(reference_time.date() + timedelta(days=1), time(), reference_time.tzinfo)
        add(m, "interval", [_interval(start, start + timedelta(days=1), "day")], ";")
    for m in _ASAP.finditer(text):
        add(m, "interval", [_interval(reference_time, None, "second")], ";")


def _interval(start: datetime, end: datetime | None, grain: str) -> dict[str, Any]:
    return {"type": "interval", "from": start.isoformat(), "to": end.isoformat() if end else None,
            "grain": grain}


def rule_entity(text: str, match: RuleMatch) -> Entity:
    """The `time` entity for one rule match (see the module docstring)."""
    info: dict[str, Any] = {"kind": match.kind, "source": "rules", **dict(match.extra)}
    value = match.value
    if match.kind == "interval":
        info.update(values=value, grain=value[0]["grain"], latent=False)
        value = {"from": value[0]["from"], "to": value[0]["to"]}
    return {"entity": "time", "start": match.start, "end": match.end, "confidence": 1.0,
            "text": text[match.start:match.end], "value": value, "additional_info": info}


def _candidate(raw: dict[str, Any]) -> dict[str, Any]:
    if raw.get("type") == "interval":
        low, high = raw.get("from") or {}, raw.get("to") or {}
        return {"type": "interval", "from": low.get("value"), "to": high.get("value"),
                "grain": low.get("grain") or high.get("grain")}
    return {"type": "value", "value": raw.get("value"), "grain": raw.get("grain")}


def duckling_entity(match: dict[str, Any], text: str) -> Entity:
    """The `time` entity for one Duckling match in `text`, keeping every candidate it returned."""
    raw = match["value"]
    candidates = [_candidate(c) for c in raw.get("values") or [raw]]
    first = candidates[0]
    interval = first["type"] == "interval"
    value = {"from": first["from"], "to": first["to"]} if interval else first["value"]
    return {"entity": "time", "start": match["start"], "end": match["end"], "confidence": 1.0,
            "text": text[match["start"] : match["end"]], "value": value,
            "additional_info": {"kind": "interval" if interval else "instant",
                                "source": "duckling", "grain": first["grain"],
                                "values": candidates, "latent": bool(match.get("latent"))}}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class TimeParser(GraphComponent, EntityExtractorMixin):  # type: ignore[misc]  # rasa is untyped
    """Adds `time` entities (all Duckling candidates plus rule constraints) to each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Europe/London, British English dates (3/12 is 3 December), texts capped for speed."""
        return {"timezone": "Europe/London", "locale": "EN_GB",
                "zoneinfo_dir": "/usr/share/zoneinfo", "max_chars": 500}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self.zone = ZoneInfo(self.component_config["timezone"])
        self.duckling = duckling_times(self.component_config["timezone"],
                                       self.component_config["locale"],
                                       self.component_config["zoneinfo_dir"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TimeParser:
        """Creates the component; Duckling's worker process starts on the first message."""
        return cls(config)

    def reference_time(self, message: Message) -> datetime:
        """The message's own time (epoch seconds) if it has one, else now; in the local zone."""
        try:
            return datetime.fromtimestamp(float(message.time), self.zone)
        except (TypeError, ValueError, OverflowError, OSError):  # None or unreadable
            return datetime.now(self.zone)

    def entities(self, text: str, reference_time: datetime) -> list[Entity]:
        """All `time` entities for `text` (see the module docstring for their shape)."""
        text = text[: self.component_config["max_chars"]]
        rules = find_time_rules(text, reference_time)
        masked = text  # hide the rules' spans from Duckling, keeping every offset
        for r in (r for r in rules if r.mask):
            masked = masked[: r.start] + r.mask * (r.end - r.start) + masked[r.end :]
        for m in _PRONOUN_ONE.finditer(masked):
            if not _CLOCK_WORDS_BEFORE.search(masked[: m.start()]):
                masked = masked[: m.start()] + ";;;" + masked[m.end() :]
        found = [rule_entity(text, r) for r in rules]
        if masked.strip(" ;"):
            found += [duckling_entity(m, text) for m in self.duckling.parse(masked, reference_time)
                      if m["body"].lower() not in _NOT_DATES]
        return sorted(found, key=lambda e: (e["start"], e["end"]))

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds this component's `time` entities to each message."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = self.add_extractor_name(self.entities(text, self.reference_time(message)))
            logger.debug("TimeParser found %d time entities", len(found))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
