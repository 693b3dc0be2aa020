"""Ask one group of red-flag questions: each question a button, then "None of these" and "Not sure".

SMS and WhatsApp show the buttons as a numbered list (channels/text_menu.py), so there the patient
is asked for the numbers of all that apply; Telegram also lists the questions in the message, as
its buttons cut long titles short. The ids shown are kept so a typed "1 and 3" answers them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import checklist_answers as checklist
from actions import triage_state as ts
from bot.triage.red_flag_checklist import NOT_SURE


def _payload(value: str) -> str:
    return f'/inform{{"{checklist.ENTITY}": "{value}"}}'


def checklist_buttons(questions: list[tuple[str, str]]) -> list[dict[str, str]]:
    """A button per (id, question), numbered, then "None of these" and "Not sure"."""
    buttons = [{"title": f"{number}. {question}", "payload": _payload(qid)}
               for number, (qid, question) in enumerate(questions, start=1)]
    return [*buttons, {"title": "None of these", "payload": _payload(checklist.NONE)},
            {"title": "Not sure", "payload": _payload(NOT_SURE)}]


class ActionAskTriageChecklist(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_ask_triage_checklist"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        group = checklist.next_group(ts.run_triage(tracker).checklist)
        questions = [(item.id, item.question) for item in group]
        numbered = tracker.get_latest_input_channel() in checklist.NUMBERED_LIST_CHANNELS
        dispatcher.utter_message(
            response="utter_ask_triage_checklist_numbered" if numbered else "utter_ask_triage_checklist",
            buttons=checklist_buttons(questions),
            questions="\n".join(f"{n}. {question}" for n, (_, question) in enumerate(questions, start=1)),
        )
        return [SlotSet(ts.SHOWN, [qid for qid, _ in questions])]
