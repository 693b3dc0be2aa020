"""The patient picked one of their appointments: confirm a cancel, or offer new times for a reschedule."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import UK, BackendUnavailable
from actions.slot_offer import kept_wish, offer_slots, time_entities, wishes_of
from actions.slot_presenter import appointment_line
from bot.nlu.time_wishes import picked_by_time

logger = logging.getLogger(__name__)


class ActionChooseAppointment(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_choose_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        listed = state.stored_bookings(tracker, state.UPCOMING)
        now = datetime.now(UK)
        by_time = picked_by_time(time_entities(tracker.latest_message), [b.slot.start for b in listed], now,
                                 clock_needed=False)
        number = state.option_number(tracker) or by_time
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
            # "the tuesday one" names the appointment, not a new time
            wish = kept_wish(tracker, now) if by_time == number else wishes_of(tracker, now)
            offered = await offer_slots(dispatcher, chosen.slot.service, wish,
                                        anchor=(chosen.slot.start, chosen.slot.start))
        except BackendUnavailable:
            logger.warning("Slot search for a reschedule failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down")
            return state.end_flow("backend_down")
        # The flow's service from now on: "anything next week?" searches it, not triage.
        return [*events, SlotSet(state.ROUTED_SERVICE, chosen.slot.service), *offered]
