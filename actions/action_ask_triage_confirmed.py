"""The confirm step of triage: read back what the patient told us, or ask what to change."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import triage_state as ts
from actions.checklist_answers import summary_line
from actions.triage_answers import ANSWER_SLOTS, QUESTIONS, label


def summary(tracker: Tracker) -> str:
    """One line per answer, in plain English; the problem quoted as the patient put it; the red-flag answers."""
    lines = [f"- The problem: \"{tracker.get_slot(ts.COMPLAINT) or ''}\""]
    for slot in (ts.WHO, *ANSWER_SLOTS):
        value = tracker.get_slot(slot)
        if value is not None:
            lines.append(f"- {QUESTIONS[slot]}: {label(slot, str(value))}")
    red_flags = summary_line(ts.red_flags(tracker))
    if red_flags:
        lines.append(f"- {red_flags}")
    return "\n".join(lines)


class ActionAskTriageConfirmed(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_ask_triage_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot(ts.CORRECTING):
            dispatcher.utter_message(response="utter_triage_what_to_change")
        else:
            dispatcher.utter_message(response="utter_triage_summary", summary=summary(tracker))
        return []
