"""Hold the slot the patient picked and read back a summary to confirm; a slot taken meanwhile is offered again."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import UK, BackendUnavailable, Conflict, InvalidRequest, NotFound, get_client
from actions.patient_ref import patient_ref
from actions.slot_offer import offer_slots, time_entities, wishes_of
from actions.slot_presenter import appointment_line, slot_summary
from bot.nlu.time_wishes import picked_by_time

logger = logging.getLogger(__name__)


class ActionHoldSlot(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_hold_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        offered = state.stored_slots(tracker, state.OFFERED_SLOTS)
        number = state.option_number(tracker) or picked_by_time(
            time_entities(tracker.latest_message), [s.start for s in offered], datetime.now(UK))
        if number is None or not 1 <= number <= len(offered):
            dispatcher.utter_message(response="utter_invalid_option", count=len(offered))
            return [SlotSet(state.OUTCOME, "invalid_option")]
        slot = offered[number - 1]
        rescheduling = tracker.get_slot(state.CHANGE_KIND) == state.RESCHEDULE
        try:
            hold = await get_client().hold(slot.id, patient_ref(tracker.sender_id),
                                           idempotency_key=state.key_for(tracker, self.name()))
        except (Conflict, NotFound, InvalidRequest) as error:
            logger.info("Hold refused (%s); offering again", type(error).__name__)
            dispatcher.utter_message(response="utter_slot_taken")
            try:
                events = await offer_slots(dispatcher, slot.service, wishes_of(tracker), exclude=[slot.id])
            except BackendUnavailable:
                dispatcher.utter_message(response="utter_backend_down")
                return state.end_flow("backend_down")
            return [*events, SlotSet(state.HOLD_ID, None), SlotSet(state.HELD_SLOT, None),
                    SlotSet(state.OUTCOME, "slot_taken")]
        except BackendUnavailable:
            logger.warning("Hold failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down")
            return state.end_flow("backend_down")
        label = tracker.get_slot(state.DEPENDANT_LABEL)
        if rescheduling and (chosen := state.stored_booking(tracker, state.CHOSEN_APPOINTMENT)):
            dispatcher.utter_message(response="utter_confirm_reschedule", summary=slot_summary(slot),
                                     old_summary=appointment_line(chosen))
            step = state.CONFIRMING_RESCHEDULE
        else:
            dispatcher.utter_message(response="utter_confirm_booking", summary=slot_summary(slot, label))
            step = state.CONFIRMING_BOOKING
        return [SlotSet(state.HOLD_ID, hold.id), SlotSet(state.HELD_SLOT, state.stored(slot)),
                SlotSet(state.STEP, step), SlotSet(state.OUTCOME, "held")]
