"""The patient said no (or stopped) at a step of a booking, cancel or reschedule: let any held slot go and say so."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.booking_reset import abandon_booking

RESPONSE_BY_STEP = {
    state.CONFIRMING_BOOKING: "utter_booking_not_made",
    state.CONFIRMING_CANCEL: "utter_cancel_not_done",
    state.CONFIRMING_RESCHEDULE: "utter_reschedule_not_done",
    state.CHOOSING_APPOINTMENT: "utter_appointments_unchanged",
}


class ActionReleaseHold(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_release_hold"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        step = tracker.get_slot(state.STEP)
        dispatcher.utter_message(response=RESPONSE_BY_STEP.get(step, "utter_booking_stopped"))
        return await abandon_booking(tracker, self.name())
