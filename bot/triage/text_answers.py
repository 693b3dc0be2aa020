"""Read the rules' answers from the patient's own words: age, duration, temperature, sex, pregnancy,
onset and severity.

"my 2 year old" -> age_band=1_to_4, "for 3 days" -> duration=1_to_3_days, "I'm 28 weeks pregnant"
-> sex=female + pregnant=yes, "39.5" or "103F" -> a fever, "never had pain like it" -> severity=severe.
Only what the text states clearly is read: when two readings disagree (two different ages), the
answer is left for the conversation to ask. The engine merges these under the answers given, so an
explicit answer always wins. A temperature is reported as extra concepts (`fever`, `very_high_fever`)
with the span it was read from, so the rules that use a temperature fire and can be traced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

FEVER_C, VERY_HIGH_C = 38.0, 40.0

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "couple of": 2, "few": 3, "several": 4, "a couple of": 2, "a few": 3}
_NUM = (r"(?:\d{1,3}(?:\.\d)?|a couple of|a few|a|an|one|two|three|four|five|six|seven|eight|nine|ten"
        r"|eleven|twelve|couple of|few|several)")
_UNIT_DAYS = {"minute": 1 / 1440, "min": 1 / 1440, "hour": 1 / 24, "hr": 1 / 24, "day": 1, "week": 7,
              "wk": 7, "fortnight": 14, "month": 30, "year": 365, "yr": 365}

# Ages: "my 2 year old", "a 9 yr old", "88 yo", "(67)", "I'm 67", "she's 7 months", "aged 4".
_AGE_OLD = re.compile(rf"\b({_NUM})[\s-]*(year|yr|month|week|wk|day)s?[\s-]*old\b")
_AGE_YO = re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?\.? old)(?![a-z])")
_AGE_IS = re.compile(r"\b(i'm|im|i am|aged|age|he's|hes|she's|shes|he is|she is|they're|who's|who is|"
                     r"(?:grand)?(?:son|daughter)(?:'s| is)?|(?:boy|girl|baby|child|kid|toddler|husband|wife|dad|"
                     r"mum|mom|father|mother|nan|gran|grandad|grandma|granny|partner|brother|sister)(?:'s| is))"
                     r"[\s,]+(\d{1,3})(?:\s*(years?|yrs?|months?|weeks?|wks?|days?)\b)?(?![\d./:%])"
                     r"(?!\s*(?:weeks?|wks?|months?|days?)?\s*(?:pregnant|late|overdue|ago|post|after))"
                     r"(?!\s*(?:am|pm|o'?clock|degrees|c\b|f\b|kg|st\b|stone|times|mins?|minutes|hours?|hrs|"
                     r"out of|/10|%|pills|tablets|paracetamol))")
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i am|i've|ive|me)\b")
_AGE_BRACKET = re.compile(r"\((\d{1,3})\)|\b(?:mum|dad|husband|wife|nan|grandad|son|daughter),\s*(\d{2,3}),")

# Durations: "for 3 days", "for the last 2 weeks", "over the past fortnight", "since yesterday".
_DURATION = re.compile(rf"\b(?:(?:for|over|in)\s+(?:the\s+)?(?:last\s+|past\s+)?(?P<a1>{_NUM})?"
                       rf"|(?:past|last)\s+(?P<a2>{_NUM}))"
                       rf"\s*(?P<unit>minute|min|hour|hr|day|week|wk|fortnight|month|year|yr)s?\b")
_SINCE = {"under_1_day": ("since this morning", "since last night", "since tea time", "since teatime",
                          "since lunch", "since lunchtime", "since breakfast", "since this afternoon",
                          "since this evening", "since i woke up", "since tonight", "since earlier",
                          "an hour ago", "hours ago", "minutes ago", "since today"),
          "1_to_3_days": ("since yesterday", "since the day before yesterday", "since the weekend"),
          "4_to_7_days": ("since last week", "all week", "since monday", "since tuesday",
                          "since wednesday", "since thursday", "since friday", "since saturday",
                          "since sunday"),
          "over_3_weeks": ("for months", "for ages", "since christmas", "for a long time",
                           "since last year", "for years")}

# Temperatures: "39.5", "temp of 38.2", "101F", "102.5 degrees f", "38c".
_TEMPERATURE = re.compile(r"\b(\d{2,3}(\.\d{1,2})?)\s*(°|degrees?|deg)?\s*(c|f|celsius|fahrenheit)?\b"
                          r"(?!\s*(?:kg|st|lbs?|%|mmol|percent|years?|yrs?|weeks?|months?|days?))")
_TEMPERATURE_CONTEXT = re.compile(r"(?:temp|temperature|fever|thermometer|reading|feverish)\w*\W+(?:\w+\W+){0,3}$")

# Blood pressure readings: "225/130", "bp 190 over 125". 180/120 or above is a hypertensive crisis
# range (NHS High blood pressure: get help at once at 180/120 or higher with symptoms).
_BLOOD_PRESSURE = re.compile(r"\b(\d{2,3})\s*(?:/|over)\s*(\d{2,3})\b(?!\s*(?:/|kg|%|mmol))")
_BP_CONTEXT = re.compile(r"\b(?:bp|blood pressure|pressure|monitor|machine|cuff|reading)\b")
VERY_HIGH_SYSTOLIC, VERY_HIGH_DIASTOLIC = 180, 120
# Blood glucose readings: "sugar is 2.6", "bm 3.1", "glucose 2.9 mmol". Below 4 mmol/L is a hypo
# (NHS Low blood sugar (hypoglycaemia)). A past reading ("sugar was 2.6, he's back to himself") is
# not read: only the words then say whether the hypo is current.
_GLUCOSE = re.compile(r"\b(?:sugars?|glucose|bms?|blood sugars?|sugar levels?)\b\W+(?:(?:is|are|of|at|"
                      r"reading|level|levels|down|only|just|to|it|says|said|showing|shows|read|reads|dropped|"
                      r"now)\W+){0,3}(\d{1,2}(?:\.\d{1,2})?)\b(?!\s*(?:%|kg|years?|yrs?|days?|weeks?|hours?|mins?|"
                      r"minutes?|am|pm|o'clock))")
HYPO_MMOL = 4.0

_MALE = re.compile(r"\b(?:my (?:husband|son|boy|dad|father|grandad|granddad|grandson|brother|boyfriend|"
                   r"nephew|uncle|partner's son)|he's|hes|he is|he has|his)\b")
_FEMALE = re.compile(r"\b(?:my (?:wife|daughter|girl|mum|mom|mother|nan|gran|granny|grandma|granddaughter|"
                     r"sister|girlfriend|niece|aunt|auntie)|she's|shes|she is|she has|her)\b")
_PREGNANT = re.compile(r"\b(?:pregnant|expecting a baby|positive (?:pregnancy )?test|"
                       r"(?:i'm|im|i am)\s+(?:[6-9]|[1-3]\d|4[0-2])\s*(?:weeks?|wks?)\b"
                       r"(?!\s*(?:post|after|since|ago|late|overdue|off)))")
_NOT_PREGNANT = re.compile(r"\b(?:not|n't|cant be|can't be|couldn't be|no chance i'm|no way i'm)\s+"
                           r"(?:\w+\s+)?pregnant\b")
_SUDDEN = re.compile(r"\b(?:sudden|suddenly|all of a sudden|out of nowhere|out of the blue|came on fast|"
                     r"came on quickly|within (?:a|one) minute|in seconds)\b")
_GRADUAL = re.compile(r"\b(?:gradually|slowly got worse|built up (?:over|slowly)|creeping up)\b")
_SEVERE = re.compile(r"\b(?:never had (?:a )?(?:pain|anything|headache) like|never felt (?:pain|anything) like|"
                     r"worst (?:\w+ )?(?:pain|headache|ache)|agony|agonising|agonizing|excruciating|unbearable|"
                     r"screaming (?:in|with) pain|can't bear|cant bear|like nothing (?:i've|ive|i have) "
                     r"(?:had|felt))\b")
_PAIN_SCORE = re.compile(r"\b(\d{1,2})\s*(?:/|out of)\s*10\b")


@dataclass(frozen=True)
class NumberMention:
    """A concept read from a number (a temperature), with its character span."""

    concept: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class TextAnswers:
    """The answers read from the text and any concepts read from numbers."""

    answers: dict[str, str] = field(default_factory=dict)
    mentions: tuple[NumberMention, ...] = ()


def _number(raw: str) -> float:
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)


def age_band(years: float) -> str:
    """The rules' age band for an age in years."""
    if years < 0.25:
        return "under_3_months"
    if years < 1:
        return "3_to_11_months"
    if years < 5:
        return "1_to_4"
    if years < 16:
        return "5_to_15"
    return "16_to_64" if years < 65 else "65_plus"


def _unit_years(unit: str | None) -> float:
    unit = (unit or "year").rstrip("s")
    return {"month": 1 / 12, "week": 7 / 365, "wk": 7 / 365, "day": 1 / 365}.get(unit, 1.0)


def _ages(text: str) -> set[str]:
    bands = set()
    for match in _AGE_OLD.finditer(text):
        bands.add(age_band(_number(match.group(1)) * _unit_years(match.group(2))))
    for match in _AGE_YO.finditer(text):
        bands.add(age_band(float(match.group(1))))
    for match in _AGE_IS.finditer(text):
        subject, years, unit = match.group(1), float(match.group(2)), match.group(3)
        if unit and not unit.startswith("y") and _FIRST_PERSON.fullmatch(subject):
            continue  # "I'm 37 weeks" is a pregnancy, not an age
        if unit or 1 <= years <= 110:
            bands.add(age_band(years * _unit_years(unit)))
    for match in _AGE_BRACKET.finditer(text):
        years = float(match.group(1) or match.group(2))
        if years <= 110:
            bands.add(age_band(years))
    return bands


def duration_band(days: float) -> str:
    """The rules' duration band for a number of days."""
    if days < 1:
        return "under_1_day"
    if days <= 3:
        return "1_to_3_days"
    if days <= 7:
        return "4_to_7_days"
    return "1_to_3_weeks" if days <= 21 else "over_3_weeks"


_DURATION_ORDER = ("under_1_day", "1_to_3_days", "4_to_7_days", "1_to_3_weeks", "over_3_weeks")


def _durations(text: str) -> set[str]:
    bands = set()
    for match in _DURATION.finditer(text):
        amount = match.group("a1") or match.group("a2")
        amount_value = 1.0 if amount is None else _number(amount)
        bands.add(duration_band(amount_value * _UNIT_DAYS[match.group("unit")]))
    for band, phrases in _SINCE.items():
        if any(phrase in text for phrase in phrases):
            bands.add(band)
    return bands


def _temperatures(text: str) -> list[NumberMention]:
    mentions = []
    for match in _TEMPERATURE.finditer(text):
        value, decimal, degrees, unit = float(match.group(1)), match.group(2), match.group(3), match.group(4)
        unit = (unit or "")[:1]
        # A bare number counts only with a unit, a degree sign, a decimal in the range of body
        # temperatures ("38.2"), or just after "temp", "fever", "thermometer" ...
        in_body_range = decimal is not None and 35 <= value < 43
        if not (unit or degrees or in_body_range
                or _TEMPERATURE_CONTEXT.search(text[max(0, match.start() - 40):match.start()])):
            continue
        celsius = (value - 32) * 5 / 9 if unit == "f" or (not unit and 95 <= value <= 110) else value
        if not 34 <= celsius <= 44 or celsius < FEVER_C:
            continue
        said = match.group(0).rstrip()
        span = (match.start(), match.start() + len(said))
        mentions.append(NumberMention("fever", said, *span))
        if celsius >= VERY_HIGH_C:
            mentions.append(NumberMention("very_high_fever", said, *span))
    return mentions


def _readings(text: str) -> list[NumberMention]:
    """Blood pressure in the crisis range and blood sugar in the hypo range, read from numbers."""
    mentions = []
    for match in _BLOOD_PRESSURE.finditer(text):
        systolic, diastolic = int(match.group(1)), int(match.group(2))
        if not (70 <= systolic <= 300 and 30 <= diastolic <= 200 and systolic > diastolic):
            continue
        if not _BP_CONTEXT.search(text) and systolic < 200:
            continue  # "180/120" with no word about blood pressure may be something else
        if systolic >= VERY_HIGH_SYSTOLIC or diastolic >= VERY_HIGH_DIASTOLIC:
            mentions.append(NumberMention("very_high_bp", match.group(0), match.start(), match.end()))
    for match in _GLUCOSE.finditer(text):
        if float(match.group(1)) < HYPO_MMOL:
            mentions.append(NumberMention("hypoglycaemia", match.group(1), match.start(1), match.end(1)))
    return mentions


def _sex_and_pregnancy(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    if _NOT_PREGNANT.search(text):
        found["pregnant"] = "no"
    elif _PREGNANT.search(text):
        found["pregnant"] = "yes"
        found["sex"] = "female"
    male, female = bool(_MALE.search(text)), bool(_FEMALE.search(text))
    # Read only about someone else, never when the writer may be the patient ("my husband says I...").
    if male != female and "sex" not in found and not _FIRST_PERSON.search(text):
        found["sex"] = "male" if male else "female"
    return found


def _severity(text: str) -> str | None:
    scores = [int(m.group(1)) for m in _PAIN_SCORE.finditer(text) if int(m.group(1)) <= 10]
    if _SEVERE.search(text) or any(score >= 7 for score in scores):
        return "severe"
    if scores:
        return "moderate" if max(scores) >= 4 else "mild"
    return None


def _single(values: Iterable[str]) -> str | None:
    values = set(values)
    return values.pop() if len(values) == 1 else None


def read_answers(text: str) -> TextAnswers:
    """Read the answers the text states clearly; nothing is guessed."""
    lowered = text.lower().replace("\u2019", "'")
    answers: dict[str, str] = {}
    age = _single(_ages(lowered))
    if age is not None:
        answers["age_band"] = age
    durations = _durations(lowered)
    if durations:  # the longest stated duration: a longer illness only ever raises acuity
        answers["duration"] = max(durations, key=_DURATION_ORDER.index)
    answers.update(_sex_and_pregnancy(lowered))
    if _SUDDEN.search(lowered):
        answers["onset"] = "sudden"
    elif _GRADUAL.search(lowered):
        answers["onset"] = "gradual"
    severity = _severity(lowered)
    if severity is not None:
        answers["severity"] = severity
    return TextAnswers(answers, tuple(_temperatures(lowered) + _readings(lowered)))
