"""The slots the triage form keeps, and the engine run over them (see docs/conversation-design.md)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.triage_answers import ANSWER_SLOTS
from bot.triage.engine import triage
from bot.triage.result import TriageResult

COMPLAINT = "triage_complaint"
WHO = "who_is_ill"
CONFIRMED = "triage_confirmed"
CORRECTING = "triage_correcting"
REASK = "triage_reask"
INVALID_COUNT = "triage_invalid_count"
FOR_DEPENDANT = "for_dependant"
DISPOSITION = "triage_disposition"
RULES = "triage_rules"
RULES_VERSION = "triage_rules_version"
OUTCOME = "triage_outcome"
ROUTED_SERVICE = "routed_service"
REQUESTED = "requested_slot"
# The red-flag checklist step: the form requests CHECKLIST (never kept: each reply is merged into
# RED_FLAGS, question id -> yes/no/not_sure) while the engine still has questions; SHOWN holds the
# ids last shown, so a typed "1 and 3" answers what the patient saw.
CHECKLIST = "triage_checklist"
RED_FLAGS = "triage_red_flags"
SHOWN = "triage_checklist_shown"

FORM_SLOTS = (COMPLAINT, WHO, *ANSWER_SLOTS, CONFIRMED, CORRECTING, REASK, CHECKLIST, RED_FLAGS, SHOWN)
# Intents that are never an answer: the form rejects them so the rules can act (stop, help).
NOT_ANSWERS = frozenset({"stop", "ask_help"})


def red_flags(tracker: Tracker) -> dict[str, str]:
    """The red-flag checklist answers so far (question id -> yes, no or not_sure)."""
    given = tracker.get_slot(RED_FLAGS)
    return {str(k): str(v) for k, v in given.items()} if isinstance(given, dict) else {}


def answers(tracker: Tracker) -> dict[str, str | dict[str, str]]:
    """The answers given so far, as the engine takes them (checklist answers under "red_flags")."""
    given: dict[str, str | dict[str, str]] = {
        slot: str(tracker.get_slot(slot)) for slot in ANSWER_SLOTS if tracker.get_slot(slot) is not None}
    flags = red_flags(tracker)
    if flags:
        given["red_flags"] = flags
    return given


def run_triage(tracker: Tracker) -> TriageResult:
    """The engine over the whole complaint and every answer so far."""
    return triage(str(tracker.get_slot(COMPLAINT) or ""), answers(tracker))


def latest_intent(tracker: Tracker) -> str | None:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name")


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def entity_value(tracker: Tracker, entity: str) -> Any:
    """The value of the first `entity` on the latest message (button payloads carry them)."""
    for found in (tracker.latest_message or {}).get("entities") or []:
        if found.get("entity") == entity:
            return found.get("value")
    return None


def reset_form() -> list[EventType]:
    """Events that empty the triage form, ready for another problem."""
    return [*(SlotSet(slot, None) for slot in FORM_SLOTS), SlotSet(INVALID_COUNT, 0.0)]
