"""Search the routed service with the patient's time wishes and offer the soonest slots (or ask who it is for first)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import BackendUnavailable
from actions.booking_reset import release_held
from actions.practitioner_match import SERVICE_CODES
from actions.practitioner_wish import (
    CONTINUITY,
    PREFERRED_PRACTITIONER,
    PractitionerWish,
    practitioner_wish,
    service_for,
)
from actions.slot_offer import anchor_of, offer_slots, stored_wish, wishes_of

logger = logging.getLogger(__name__)


class ActionOfferSlots(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_offer_slots"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        rescheduling = tracker.get_slot(state.CHANGE_KIND) == state.RESCHEDULE
        chosen = state.stored_booking(tracker, state.CHOSEN_APPOINTMENT) if rescheduling else None
        service = chosen.slot.service if chosen else tracker.get_slot(state.ROUTED_SERVICE)
        unknown = service is not None and service not in SERVICE_CODES
        if unknown:  # words the classifier tagged as a service that no synonym maps to a code
            logger.info("Routed service is not a bookable service code; asking what the appointment is for")
            service = None
        wishes = wishes_of(tracker)
        try:
            who = await practitioner_wish(tracker, service, rescheduling=rescheduling,
                                          dependant_label=tracker.get_slot(state.DEPENDANT_LABEL))
        except BackendUnavailable:
            who = PractitionerWish()  # the search below says the backend is down
        kept = [SlotSet(PREFERRED_PRACTITIONER, who.stored())]
        if unknown:
            kept.append(SlotSet(state.ROUTED_SERVICE, None))
        service = service or service_for(who)
        if not service:
            dispatcher.utter_message(response="utter_ask_what_appointment_for")
            return [SlotSet(state.TIME_WISHES, stored_wish(wishes)), *kept, *state.end_flow("needs_service")]
        if tracker.get_slot(state.FOR_DEPENDANT) and not tracker.get_slot(state.DEPENDANT_LABEL) and not chosen:
            # The practice needs to know who to expect before a slot is held for them.
            return [SlotSet(state.TIME_WISHES, stored_wish(wishes)), *kept, SlotSet(state.STEP, state.NAMING_DEPENDANT)]
        if not tracker.get_slot(state.ROUTED_SERVICE) and not chosen:
            kept.append(SlotSet(state.ROUTED_SERVICE, service))  # the service of the practitioner asked for
        events: list[EventType] = [*kept]
        anchor = anchor_of(tracker)  # before the hold goes: "later" may be relative to the time held
        if state.hold_id(tracker) is not None:
            await release_held(tracker, self.name())  # looking again: the slot held for the last answer goes
            events += [SlotSet(state.HOLD_ID, None), SlotSet(state.HELD_SLOT, None)]
        exclude = [chosen.slot.id] if chosen else []
        try:
            events += await offer_slots(dispatcher, service, wishes, exclude=exclude, anchor=anchor,
                                        practitioner=who.person, continuity=who.why == CONTINUITY)
        except BackendUnavailable:
            logger.warning("Slot search failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down")
            return state.end_flow("backend_down")
        return events
