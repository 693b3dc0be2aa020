"""Read triage answers from what patients type ("I'm 45", "since yesterday", "really bad") or tap.

Each parser returns an answer code of bot/triage/data/rules.yml (or "unsure"), or None when the
text does not answer the question. Unsure answers count as the more acute option in the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.triage.text_answers import age_band, duration_band

UNSURE = "unsure"
ANSWER_SLOTS = ("age_band", "sex", "pregnant", "severity", "onset", "duration")

_UNSURE = re.compile(r"\b(not sure|unsure|dunno|don'?t know|do not know|no idea|can'?t remember|"
                     r"not certain|no clue|prefer not to say|rather not say)\b")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "couple of": 2, "couple": 2, "three": 3, "few": 3,
                 "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                 "eleven": 11, "twelve": 12, "several": 4}
_NUM = r"(\d{1,3}(?:\.\d)?|a couple of|couple of|couple|a few|few|several|an?|one|two|three|four|five|six|" \
       r"seven|eight|nine|ten|eleven|twelve)"


def _clean(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").lower().split())


def _number(word: str) -> float:
    word = word.removeprefix("a ").strip() if word not in ("a", "an") else word
    return float(word) if word[0].isdigit() else float(_NUMBER_WORDS.get(word, 1))


def parse_age_band(text: str) -> str | None:
    """Age in years, months, weeks or days, or words like "newborn" and "pensioner"."""
    t = _clean(text)
    if re.search(r"\b(newborn|new born|new baby)\b", t):
        return "under_3_months"
    if re.search(r"\b(pensioner|retired|elderly|over 65|over sixty five)\b", t):
        return "65_plus"
    if re.search(r"\btoddler\b", t):
        return "1_to_4"
    said = re.search(r"\b(?:i'?m|im|i am|he'?s|hes|she'?s|shes|they'?re|aged?|age is)\s*(?:about|around|nearly|only)?"
                     r"\s*(\d{1,3})\b(?!\s*(?:months?|mths?|mnths?|weeks?|wks?|days?))", t)
    bare = said or re.fullmatch(r"(?:about|around|nearly)?\s*(\d{1,3})\s*\.?", t)
    if bare:
        return _years(float(bare[1]))
    match = re.search(rf"\b{_NUM}\s*(?:-|\s)?\s*(years?|yrs?|y/?o|months?|mths?|mnths?|weeks?|wks?|days?)\b", t)
    if match:
        amount, unit = _number(match[1]), match[2]
        if unit.startswith("d"):
            return "under_3_months"
        if unit.startswith("w"):
            return "under_3_months" if amount < 13 else "3_to_11_months"
        if unit.startswith("m"):
            return "under_3_months" if amount < 3 else "3_to_11_months" if amount < 12 else _years(amount / 12)
        return _years(amount)
    return UNSURE if _UNSURE.search(t) else None


def _years(age: float) -> str | None:
    return None if age > 120 else age_band(age)


def parse_sex(text: str) -> str | None:
    """Female, male or other; "prefer not to say" is unsure."""
    t = _clean(text)
    if _UNSURE.search(t):
        return UNSURE
    if t in ("f", "f.") or re.search(r"\b(female|woman|women|girl|lady|femail|femal)\b", t):
        return "female"
    if t in ("m", "m.") or re.search(r"\b(male|man|men|boy|bloke|gentleman)\b", t):
        return "male"
    if re.search(r"\b(other|non[- ]?binary|nb|trans|intersex)\b", t):
        return "other"
    return None


def parse_yes_no(text: str) -> str | None:
    """Yes, no or unsure ("might be", "could be" are unsure)."""
    t = _clean(text)
    if _UNSURE.search(t) or re.search(r"\b(might|could|maybe|possibly|perhaps|think so)\b", t):
        return UNSURE
    if re.search(r"\b(no|nope|nah|not|negative|isn'?t|am not)\b", t):
        return "no"
    if re.search(r"\b(yes|yeah|yep|yup|ye|i am|she is|positive|pregnant|expecting)\b", t):
        return "yes"
    return None


def parse_severity(text: str) -> str | None:
    """Mild, moderate or severe, from words or a 1-10 score."""
    t = _clean(text)
    score = re.search(r"\b(10|[1-9])\s*(?:/|out of)\s*10\b", t) or re.fullmatch(r"(10|[1-9])", t)
    if score:
        value = int(score[1])
        return "mild" if value <= 3 else "moderate" if value <= 6 else "severe"
    if re.search(r"\b(not (?:too |that |so )?bad|not too awful)\b", t):
        return "mild"
    if re.search(r"\b(severe|sever|really bad|very bad|terrible|awful|agony|unbearable|excruciating|worst|"
                 r"horrendous|extreme|can'?t cope|cant cope|killing me)\b", t):
        return "severe"
    if re.search(r"\b(moderate|moderat|quite bad|pretty bad|medium|bad|fairly bad|middling)\b", t):
        return "moderate"
    if re.search(r"\b(mild|slight|a bit|minor|manageable|ok|okay)\b", t):
        return "mild"
    return UNSURE if _UNSURE.search(t) else None


def parse_onset(text: str) -> str | None:
    """Sudden or gradual."""
    t = _clean(text)
    if re.search(r"\b(sudden|suddenly|out of nowhere|all at once|out of the blue|instantly|quickly|"
                 r"straight away|like a switch)\b", t):
        return "sudden"
    if re.search(r"\b(gradual|gradually|slowly|over time|bit by bit|built up|crept up|over a few)\b", t):
        return "gradual"
    return UNSURE if _UNSURE.search(t) else None


def parse_duration(text: str) -> str | None:
    """How long, in hours, days, weeks, months or years, or words like "since yesterday"."""
    t = _clean(text)
    if re.search(r"\b(today|this morning|tonight|this afternoon|this evening|an hour|hours?|just now|"
                 r"just started|minutes?|mins?)\b", t) and not re.search(r"\b(days?|weeks?|months?|years?)\b", t):
        return "under_1_day"
    if re.search(r"\b(fortnight)\b", t):
        return "1_to_3_weeks"
    match = re.search(rf"\b{_NUM}\s*(days?|weeks?|wks?|months?|years?|yrs?)\b", t)
    if match:
        amount, unit = _number(match[1]), match[2]
        days = amount * {"d": 1, "w": 7, "m": 30, "y": 365}[unit[0]]
        return duration_band(days)
    if re.search(r"\b(yesterday|last night|day before yesterday)\b", t):
        return "1_to_3_days"
    if re.search(r"\b(a while|ages|long time|months|years)\b", t):
        return "over_3_weeks"
    return UNSURE if _UNSURE.search(t) else None


def parse_who(text: str) -> str | None:
    """"self" or "someone_else"."""
    t = _clean(text)
    if re.search(r"\b(someone else|somebody else|my (son|daughter|child|kid|baby|boy|girl|husband|wife|partner|"
                 r"mum|mom|mother|dad|father|nan|gran|grandad|grandma|grandpa|brother|sister|friend|"
                 r"neighbour|carer|client)|for (him|her|them)|not me|other person)\b", t):
        return "someone_else"
    if re.search(r"\b(me|myself|mine|i am|i'm|im|self|for me)\b", t):
        return "self"
    return None


# Who a first message is about: "my son has a rash", "for my husband", "she's 7 and has earache".
# The relation word the patient used becomes the booking's label ("son"), read back as "your son".
RELATIONS = {"son": "son", "boy": "son", "stepson": "son", "daughter": "daughter", "girl": "daughter",
             "stepdaughter": "daughter", "child": "child", "kid": "child", "toddler": "child",
             "little one": "child", "baby": "baby", "husband": "husband", "wife": "wife",
             "partner": "partner", "boyfriend": "partner", "girlfriend": "partner", "mum": "mum", "mom": "mum",
             "mother": "mum", "dad": "dad", "father": "dad", "nan": "nan", "nana": "nan", "nanna": "nan",
             "gran": "gran", "granny": "gran", "grandma": "grandma", "grandmother": "grandma", "grandad": "grandad",
             "granddad": "grandad", "grandpa": "grandad", "grandfather": "grandad", "grandson": "grandson",
             "granddaughter": "granddaughter", "brother": "brother", "sister": "sister"}
_RELATION = "|".join(sorted(RELATIONS, key=len, reverse=True))
_DESCRIBED = (r"(?:(?:little|baby|eldest|oldest|youngest|younger|older|elderly|new ?born|teenage|"
              r"\d{1,2}[\s-]*(?:years?|yrs?|months?|weeks?|days?)[\s-]*old|\d{1,2}\s*(?:yo|y/o))\s+)*")
_THEIR_RELATION = re.compile(rf"\b(?:my|our)\s+{_DESCRIBED}(?P<relation>{_RELATION})(?![a-z]|[\s-]+in[\s-]+law)")
# "my 3 year old", "our 9 month old": a child, whose relation is not said.
_THEIR_CHILD = re.compile(r"\b(?:my|our)\s+\d{1,2}[\s-]*(?:years?|yrs?|months?|weeks?|days?)[\s-]*old\b")
_ANY_RELATION = re.compile(rf"\b(?:{_RELATION})(?![a-z])")
_THIRD_PERSON = re.compile(r"\b(?:for (?:him|her)|someone else|somebody else|(?:he|she)(?:'s|s| is) \d{1,3}\b)")
# Anything that says the writer is ill too, or that the relative is family history: then who it is for
# is asked, not guessed.
_NOT_ILL = (r"(?! (?:worried|concerned|not sure|unsure|asking|writing|messaging|booking|calling|looking|trying|"
            r"wondering|after|here))")
_MY_BODY = (r"my (?:head|chest|throat|back|knee|ankle|legs?|arms?|stomach|tummy|belly|ears?|eyes?|skin|foot|feet|"
            r"hands?|neck|shoulder|hip|tooth|teeth|mouth|face|periods?|heart|breathing|wee|urine|bladder|bowels?|"
            r"nose|lips?|tongue|temperature|temp)")
_I_AM_ILL = r"i(?:'ve|ve| have| has| had| got| get| feel| keep| can'?t| cant| think i| was)"
_SELF = re.compile(rf"\b(?:{_I_AM_ILL}|i'?m{_NOT_ILL}|i am{_NOT_ILL}|me|myself|we|us|both of us|{_MY_BODY})\b")
# "my baby has stopped kicking" is a pregnancy: the baby is not yet someone else to book for.
_UNBORN = re.compile(r"\b(?:pregnan\w*|weeks|kick\w*|movements?|moving|bump|midwife|womb|due date)\b")
_FAMILY_HISTORY = re.compile(rf"\b(?:my|our)\s+(?:{_RELATION})\s+(?:had|died|passed|was diagnosed|has a history)\b|"
                             r"runs in the family|family history")


def who_from_complaint(text: str) -> tuple[str | None, str | None]:
    """("someone_else", relation or None) when the text plainly says the problem is someone else's
    ("my son has a rash": ("someone_else", "son")); (None, None) when it does not say, or is unclear."""
    t = _clean(text)
    if _SELF.search(t) or _FAMILY_HISTORY.search(t):
        return None, None
    relations = {RELATIONS[match["relation"]] for match in _THEIR_RELATION.finditer(t)}
    if not relations and _THEIR_CHILD.search(t):
        relations.add("child")
    if not relations and not _THIRD_PERSON.search(t):
        return None, None
    if relations == {"baby"} and _UNBORN.search(t):
        return None, None
    # "my son and daughter": someone else, but which one the booking is for is asked.
    named = relations | {RELATIONS[word] for word in _ANY_RELATION.findall(t)}
    return "someone_else", (relations.pop() if len(relations) == 1 and len(named) == 1 else None)


PARSERS: dict[str, Callable[[str], str | None]] = {
    "age_band": parse_age_band, "sex": parse_sex, "pregnant": parse_yes_no,
    "severity": parse_severity, "onset": parse_onset, "duration": parse_duration, "who_is_ill": parse_who,
}

LABELS = {
    "age_band": {"under_3_months": "under 3 months", "3_to_11_months": "3 to 11 months", "1_to_4": "1 to 4 years",
                 "5_to_15": "5 to 15 years", "16_to_64": "16 to 64", "65_plus": "65 or over"},
    "sex": {"female": "female", "male": "male", "other": "other"},
    "pregnant": {"yes": "yes", "no": "no"},
    "severity": {"mild": "mild", "moderate": "moderate", "severe": "severe"},
    "onset": {"sudden": "suddenly", "gradual": "gradually"},
    "duration": {"under_1_day": "less than a day", "1_to_3_days": "1 to 3 days", "4_to_7_days": "4 to 7 days",
                 "1_to_3_weeks": "1 to 3 weeks", "over_3_weeks": "more than 3 weeks"},
    "who_is_ill": {"self": "you", "someone_else": "someone else"},
}
QUESTIONS = {"who_is_ill": "Who it's for", "age_band": "Age", "sex": "Sex", "pregnant": "Pregnant",
             "severity": "How bad", "onset": "How it started", "duration": "How long"}


_AGE_CUE = re.compile(r"\b(age|aged|old|i'?m|im|i am|he'?s|she'?s|they'?re)\b")
_DURATION_CUE = re.compile(r"\b(been|for|since|ago|started|lasted|long)\b")


def parse_corrections(text: str) -> dict[str, str]:
    """Answers a patient typed to correct the summary ("no, I'm 70", "it's been 2 weeks")."""
    t = _clean(text)
    found: dict[str, str | None] = {
        "severity": parse_severity(t), "onset": parse_onset(t),
        "sex": parse_sex(t) if re.search(r"\b(female|male|woman|man|girl|boy)\b", t) else None,
        "pregnant": parse_yes_no(t) if "pregnan" in t else None,
        "who_is_ill": "someone_else" if parse_who(t) == "someone_else" else None,
    }
    if _DURATION_CUE.search(t):
        found["duration"] = parse_duration(t)
    said_age = re.search(r"\b(?:i'?m|im|i am|he'?s|hes|she'?s|shes|aged?)\s*\d", t)
    if said_age or (_AGE_CUE.search(t) and not found.get("duration")):
        found["age_band"] = parse_age_band(t)
    return {slot: value for slot, value in found.items() if value is not None and value != UNSURE}


def label(slot: str, value: str) -> str:
    """Plain-English label of an answer code ("not sure" for unsure answers)."""
    return LABELS.get(slot, {}).get(value, "not sure")
