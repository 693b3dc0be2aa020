"""Keep only a first name or initials for the person an appointment is for (the practice needs no more),
or, when the patient gives only how they are related ("my son"), that relation."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking_state import DEPENDANT_LABEL
from actions.triage_answers import RELATIONS

MAX_LENGTH = 20
_LEADING = re.compile(r"^(?:(?:it'?s|its|for|my|his|her|their|name is|called|is)\s+)+", re.I)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
# "J.S.", "J S" or "JS"; a short name typed in lower case ("jo") stays a name.
_INITIALS = re.compile(r"(?:[A-Za-z](?:\.\s*|\s+|$)){1,3}|[A-Z]{1,3}")
_RELATIONS = {"son", "daughter", "child", "kid", "mum", "mom", "dad", "husband", "wife", "partner", "baby",
              "grandson", "granddaughter", "nan", "gran", "grandad", "brother", "sister", "friend", "mother",
              "father", "boy", "girl", "little", "one"}


def first_name_or_initials(text: str) -> str | None:
    """'It's for my son Ollie Smith' -> 'Ollie'; 'J.S.' -> 'JS'; 'my son' -> 'son'; None when there is
    no usable name or relation."""
    cleaned = _LEADING.sub("", text.strip())
    if any(ch.isdigit() for ch in cleaned) or "@" in cleaned:
        return None  # a number or an address is not a name, and must not be kept
    if _INITIALS.fullmatch(cleaned):
        return "".join(ch for ch in cleaned if ch.isalpha()).upper()
    found = _WORD.findall(cleaned)
    words = [w for w in found if w.lower() not in _RELATIONS]
    if not words:
        relations = {RELATIONS[w.lower()] for w in found if w.lower() in RELATIONS}
        return relations.pop() if len(relations) == 1 else None
    name = str(words[0])[:MAX_LENGTH]
    return name[0].upper() + name[1:]


class ValidateDependantLabelForm(FormValidationAction):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "validate_dependant_label_form"

    def validate_dependant_label(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        label = first_name_or_initials(str(slot_value or ""))
        if label is None:
            dispatcher.utter_message(response="utter_dependant_label_invalid")
        return {DEPENDANT_LABEL: label}
