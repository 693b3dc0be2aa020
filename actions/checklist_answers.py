"""The red-flag checklist step of triage: which questions to show together, and how a reply answers them.

One group is shown at a time: the follow-ups opened by a "yes" first (a plan after thoughts of
ending one's life), else the open questions of the first complaint group. A tap on one question is
"yes" to it, and the others stay open to be asked again; on SMS and WhatsApp, where the list asks
for the numbers of all that apply, one or several numbers ("2", "1 and 3", "1,3", "2 4") are "yes"
to those and "no" to the rest shown; "none", "no" or
"0" is "no" to all shown; "not sure" is "not sure" to all shown; a plain "yes" answers a single
question. Anything else is not an answer (the form then treats it as more about the problem).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.triage.engine import default_checklists
from bot.triage.red_flag_checklist import NO, NOT_SURE, YES
from bot.triage.result import ChecklistItem

ENTITY = "triage_checklist"  # the button payloads' entity: a question id, NONE or NOT_SURE
# Channels that show the buttons as a numbered list (channels/text_menu.py) and ask for the numbers of
# all that apply: there one number (sent on as that button's payload) also says "no" to the others.
NUMBERED_LIST_CHANNELS = frozenset({"twilio_sms", "whatsapp"})
NONE = "none"
NOT_UNDERSTOOD = "not_understood"  # a reply that neither answers nor describes a problem

_UNSURE = re.compile(r"\b(not sure|unsure|dunno|don'?t know|do not know|no idea|not certain|maybe|"
                     r"possibly|might|can'?t tell|cant tell|can'?t say)\b")
_NONE = re.compile(r"^(?:(?:no|nope|nah|n)\b[ ,]*)?"
                   r"(?:(?:none|neither|nothing|not any|no to all|zero|0)"
                   r"(?: of (?:these|them|those|the above|that|those things))?(?: (?:apply|applies))?)?"
                   r"(?:[ ,]*(?:thanks|thank you|ta))?$")
_YES = re.compile(r"^(?:yes|yeah|yep|yup|ye|y|i do|i have|i am|i did|they do|they have|they are|"
                  r"she does|he does|she has|he has)(?: (?:i do|i have|i am|i did|please))?$")
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
_FILLER = frozenset({"", "and", "&", "+", "or", "number", "numbers", "option", "options", "both", "please",
                     "yes", "also", "plus", "just", "only", "the", "ones", "to"})
_SEPARATORS = re.compile(r"[\s,;/&+]+")


def next_group(checklist: Sequence[ChecklistItem]) -> tuple[ChecklistItem, ...]:
    """The questions to show together: open follow-ups first, else the first group's open questions."""
    follow_ups = tuple(item for item in checklist if item.follow_up_of)
    if follow_ups:
        return follow_ups
    if not checklist:
        return ()
    return tuple(item for item in checklist if item.group == checklist[0].group)


def from_payload(value: object, shown: Sequence[str], open_ids: Sequence[str], *,
                 others_no: bool = False) -> dict[str, str] | None:
    """The answers a tapped button carries: one question (yes to it), "none" or "not sure" to all shown.

    With `others_no` (a number typed from a numbered list), one question is also "no" to the rest shown.
    """
    if value == NONE:
        return dict.fromkeys(shown, NO) or None
    if value == NOT_SURE:
        return dict.fromkeys(shown, NOT_SURE) or None
    if isinstance(value, str) and (value in shown or value in open_ids):
        rest = dict.fromkeys(shown, NO) if others_no and value in shown else {}
        return {**rest, value: YES}
    return None


def _clean(text: str) -> str:
    folded = " ".join(text.replace("\u2019", "'").lower().split())
    return folded.strip(" .,!?;:'\"()")


def _numbers(text: str) -> list[int] | None:
    """The numbers in a reply made only of numbers ("1 and 3", "1,3", "2 4", "numbers one and two")."""
    tokens = [token for token in _SEPARATORS.split(text) if token not in _FILLER]
    if not tokens:
        return None
    numbers: list[int] = []
    for token in tokens:
        word = token.rstrip(".)")
        if word.isdigit() and len(word) <= 2:
            numbers.append(int(word))
        elif word in _NUMBER_WORDS:
            numbers.append(_NUMBER_WORDS[word])
        else:
            return None
    return numbers


def from_text(text: str, shown: Sequence[str]) -> dict[str, str] | None:
    """The answers a typed reply gives to the questions `shown` (numbered from 1), or None if it is not one.

    The list a text channel shows numbers the questions, then "None of these" and "Not sure".
    """
    t = _clean(text)
    if not t or not shown:
        return None
    count = len(shown)
    numbers = _numbers(t)
    if numbers is not None:
        return _from_numbers(numbers, shown)
    if _UNSURE.search(t):
        return dict.fromkeys(shown, NOT_SURE)
    if _NONE.match(t):
        return dict.fromkeys(shown, NO)
    if count == 1 and _YES.match(t):
        return {shown[0]: YES}
    return None


def _from_numbers(numbers: list[int], shown: Sequence[str]) -> dict[str, str] | None:
    count = len(shown)
    not_sure_option = count + 2  # count + 1 is "None of these"
    if any(n < 0 or n > not_sure_option for n in numbers) or (0 in numbers and len(set(numbers)) > 1):
        return None  # a number that is not on the list: ask again rather than guess
    picked = {n for n in numbers if 1 <= n <= count}
    if not picked:
        if not_sure_option in numbers:
            return dict.fromkeys(shown, NOT_SURE)
        return dict.fromkeys(shown, NO)  # "0" or the "None of these" number
    rest = NOT_SURE if not_sure_option in numbers else NO
    return {qid: YES if index in picked else rest for index, qid in enumerate(shown, start=1)}


def summary_line(red_flags: Mapping[str, str]) -> str | None:
    """The red-flag answers in one line for the confirm step, or None when none were asked."""
    if not red_flags:
        return None
    questions = default_checklists().questions

    def quoted(value: str) -> str:
        return "; ".join(f"\"{questions[qid].ask}\"" for qid, given in red_flags.items()
                         if given == value and qid in questions)

    parts = [f"yes to {quoted(YES)}" if YES in red_flags.values() else "",
             f"not sure about {quoted(NOT_SURE)}" if NOT_SURE in red_flags.values() else ""]
    said = ", ".join(part for part in parts if part)
    return f"Red-flag questions: {said or 'none of these'}"
