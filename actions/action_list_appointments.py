"""List the patient's upcoming appointments as numbered buttons, to cancel or move one."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import UK, BackendUnavailable, get_client
from actions.booking_reset import release_held
from actions.patient_ref import patient_ref
from actions.slot_offer import stored_wish, time_entities
from actions.slot_presenter import appointment_line, option_buttons
from bot.nlu.time_wishes import wish_from

logger = logging.getLogger(__name__)

# Buttons stay readable on every channel; the rest are a phone call away.
MAX_LISTED = 5


class ActionListAppointments(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_list_appointments"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        kind = state.RESCHEDULE if intent == "reschedule_appointment" else state.CANCEL
        try:
            upcoming = (await get_client().upcoming(patient_ref(tracker.sender_id)))[:MAX_LISTED]
        except BackendUnavailable:
            logger.warning("Listing appointments failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down")
            return state.end_flow("backend_down")
        if state.hold_id(tracker) is not None:
            await release_held(tracker, self.name())  # a booking left half-way is dropped for the change
        if not upcoming:
            dispatcher.utter_message(response="utter_no_appointments")
            return state.end_flow("no_appointments")
        dispatcher.utter_message(response=f"utter_list_appointments_{kind}",
                                 buttons=option_buttons([appointment_line(b) for b in upcoming]))
        return [*state.end_flow("appointments_listed"),
                SlotSet(state.CHANGE_KIND, kind),
                SlotSet(state.UPCOMING, [state.stored(b) for b in upcoming]),
                SlotSet(state.STEP, state.CHOOSING_APPOINTMENT),
                # "move it to the Monday after": kept until the appointment it is relative to is chosen
                SlotSet(state.TIME_WISHES, stored_wish(wish_from(time_entities(tracker.latest_message),
                                                                 datetime.now(UK))))]
