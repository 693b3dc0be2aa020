"""The patient picked one of their appointments: confirm a cancel, or offer new times for a reschedule."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import BackendUnavailable
from actions.slot_offer import offer_slots, wishes_of
from actions.slot_presenter import appointment_line

logger = logging.getLogger(__name__)


class ActionChooseAppointment(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_choose_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        listed = state.stored_bookings(tracker, state.UPCOMING)
        number = state.option_number(tracker)
        if number is None or not 1 <= number <= len(listed):
            dispatcher.utter_message(response="utter_invalid_option", count=len(listed))
            return [SlotSet(state.OUTCOME, "invalid_option")]
        chosen = listed[number - 1]
        events = [SlotSet(state.CHOSEN_APPOINTMENT, state.stored(chosen))]
        if tracker.get_slot(state.CHANGE_KIND) != state.RESCHEDULE:
            dispatcher.utter_message(response="utter_confirm_cancel", summary=appointment_line(chosen))
            return [*events, SlotSet(state.STEP, state.CONFIRMING_CANCEL),
                    SlotSet(state.OUTCOME, "appointment_chosen")]
        try:
            offered = await offer_slots(dispatcher, chosen.slot.service, wishes_of(tracker),
                                        anchor=(chosen.slot.start, chosen.slot.start))
        except BackendUnavailable:
            logger.warning("Slot search for a reschedule failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down")
            return state.end_flow("backend_down")
        # The flow's service from now on: "anything next week?" searches it, not triage.
        return [*events, SlotSet(state.ROUTED_SERVICE, chosen.slot.service), *offered]
