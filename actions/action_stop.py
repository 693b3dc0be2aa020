"""The patient said stop: leave whatever is going on, with nothing left held, and say how to come back."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import triage_state as ts
from actions.booking_reset import abandon_booking


class ActionStop(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        events: list[EventType] = []
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet(ts.REQUESTED, None)]
        events += await abandon_booking(tracker, self.name())
        dispatcher.utter_message(response="utter_stopped")
        return [*events, *ts.reset_form()]
