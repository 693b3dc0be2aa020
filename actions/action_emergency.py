"""A red flag: stop everything and give the 999 / A&E / crisis advice at once.

Predicted by bot.policies.red_flag_policy.RedFlagPolicy on any user turn whose message carries a
`red_flag` entity, inside or outside a form. Deactivates the form, ends any booking in progress
(releasing a held slot, best effort and time-boxed so the advice is never delayed for long), and
sets `triage_disposition`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import triage_state as ts
from actions.booking_reset import abandon_booking
from actions.booking_state import end_flow
from bot.nlu.clinical_entities import CRISIS, RED_FLAG, TRIAGE_DATA
from bot.triage.dispositions import Disposition, load_catalogue

logger = logging.getLogger(__name__)

RELEASE_TIMEOUT_SECONDS = 2.0
RESPONSES = {CRISIS: "utter_emergency_crisis", Disposition.A_AND_E.value: "utter_emergency_a_and_e",
             Disposition.EMERGENCY_999.value: "utter_emergency_999"}


def red_flag(tracker: Tracker) -> str:
    """The red flag on the latest message; anything unreadable counts as 999 (unsure means more acute)."""
    value = ts.entity_value(tracker, RED_FLAG)
    return str(value) if value in RESPONSES else Disposition.EMERGENCY_999.value


def advice(tracker: Tracker, flag: str) -> str:
    """The engine's advice for the message, or the catalogue's for the red flag."""
    hint = (tracker.latest_message or {}).get(TRIAGE_DATA) or {}
    if hint.get("emergency") and hint.get("advice"):
        return str(hint["advice"])
    catalogue = load_catalogue()
    if flag == CRISIS:
        return "\n\n".join((catalogue.advice_extras[CRISIS], catalogue[Disposition.EMERGENCY_999].advice))
    return catalogue[Disposition(flag)].advice


async def end_booking(tracker: Tracker, action_name: str) -> list[EventType]:
    """Release any held slot without holding up the advice; a hold left behind lapses by itself."""
    try:
        return await asyncio.wait_for(abandon_booking(tracker, action_name),
                                      RELEASE_TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        logger.warning("Hold release timed out during an emergency; it will lapse")
        return end_flow("released")


class ActionEmergency(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        flag = red_flag(tracker)
        dispatcher.utter_message(response=RESPONSES[flag], advice=advice(tracker, flag))
        disposition = Disposition.A_AND_E.value if flag == Disposition.A_AND_E.value \
            else Disposition.EMERGENCY_999.value
        logger.info("Emergency advice given: %s", flag)
        events: list[EventType] = [ActiveLoop(None), SlotSet(ts.REQUESTED, None)]
        events += await end_booking(tracker, self.name())
        return [*events, *ts.reset_form(), SlotSet(ts.DISPOSITION, disposition),
                SlotSet(ts.OUTCOME, "emergency"), SlotSet(ts.ROUTED_SERVICE, None)]
