"""Move the chosen appointment to the held slot in one backend step: the old one goes only if the new one is booked."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import (
    BackendUnavailable,
    BookingNotActive,
    InvalidRequest,
    NotFound,
    SlotUnavailable,
    TooLateToChange,
    get_client,
)
from actions.booking_reset import abandon_booking
from actions.patient_ref import patient_ref
from actions.slot_offer import offer_slots, wishes_of
from actions.slot_presenter import slot_summary

logger = logging.getLogger(__name__)


class ActionRescheduleAppointment(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_reschedule_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        chosen = state.stored_booking(tracker, state.CHOSEN_APPOINTMENT)
        slot = state.stored_slot(tracker, state.HELD_SLOT)
        if chosen is None or slot is None:
            dispatcher.utter_message(response="utter_nothing_to_confirm")
            return await abandon_booking(tracker, self.name(), "not_changeable")
        try:
            moved = await get_client().reschedule(chosen.id, patient_ref(tracker.sender_id), slot.id,
                                                  idempotency_key=state.key_for(tracker, self.name()))
        except TooLateToChange:
            dispatcher.utter_message(response="utter_too_late_to_change")
            return await abandon_booking(tracker, self.name(), "too_late_to_change")
        except (BookingNotActive, NotFound):
            dispatcher.utter_message(response="utter_not_changeable")
            return await abandon_booking(tracker, self.name(), "not_changeable")
        except (SlotUnavailable, InvalidRequest):
            dispatcher.utter_message(response="utter_slot_taken")
            try:
                events = await offer_slots(dispatcher, slot.service, wishes_of(tracker))
            except BackendUnavailable:
                dispatcher.utter_message(response="utter_backend_down_change")
                return state.end_flow("backend_down")
            return [*events, SlotSet(state.HOLD_ID, None), SlotSet(state.HELD_SLOT, None),
                    SlotSet(state.OUTCOME, "slot_taken")]
        except BackendUnavailable:
            logger.warning("Reschedule failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down_change")
            return await abandon_booking(tracker, self.name(), "backend_down")
        logger.info("Rescheduled appointment %d to %d", chosen.id, moved.id)
        dispatcher.utter_message(response="utter_rescheduled", summary=slot_summary(moved.slot, moved.dependant_label))
        return state.end_flow("rescheduled")
