"""Book the held slot once confirmed; an expired hold or a taken slot is offered again, a used-up quota explained.

The confirmation says how the practice will be in touch for a phone or video appointment, and promises
a reminder only when reminders are switched on (`REMINDERS_ENABLED`, read when a booking is confirmed).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import (
    BackendUnavailable,
    Conflict,
    HoldExpired,
    HoldNotActive,
    NotFound,
    QuotaExceeded,
    get_client,
)
from actions.booking_reset import abandon_booking
from actions.patient_ref import patient_ref
from actions.slot_offer import offer_slots, wishes_of
from actions.slot_presenter import slot_summary

logger = logging.getLogger(__name__)

# The confirmation for each way of delivering the appointment; in person (and anything else) says no more.
BOOKED_RESPONSES = {"phone": "utter_booked_phone", "video": "utter_booked_video"}
_ON = frozenset({"1", "true", "yes", "on"})


def reminders_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """`REMINDERS_ENABLED` is on ("1", "true", "yes", "on"); off by default, until reminders are sent."""
    return environ.get("REMINDERS_ENABLED", "").strip().lower() in _ON


class ActionConfirmBooking(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_confirm_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        held, slot = state.hold_id(tracker), state.stored_slot(tracker, state.HELD_SLOT)
        if held is None or slot is None:
            dispatcher.utter_message(response="utter_nothing_to_confirm")
            return state.end_flow("hold_expired")
        label = tracker.get_slot(state.DEPENDANT_LABEL)
        try:
            booking = await get_client().book(held, patient_ref(tracker.sender_id), dependant_label=label or None,
                                              idempotency_key=state.key_for(tracker, self.name()))
        except QuotaExceeded:
            dispatcher.utter_message(response="utter_quota_used")
            return await abandon_booking(tracker, self.name(), "quota_used")
        except (HoldExpired, HoldNotActive, NotFound, Conflict) as error:
            expired = isinstance(error, HoldExpired | HoldNotActive | NotFound)
            logger.info("Booking refused (%s); offering again", type(error).__name__)
            dispatcher.utter_message(response="utter_hold_expired" if expired else "utter_slot_taken")
            try:
                events = await offer_slots(dispatcher, slot.service, wishes_of(tracker))
            except BackendUnavailable:
                dispatcher.utter_message(response="utter_backend_down")
                return state.end_flow("backend_down")
            return [*events, SlotSet(state.HOLD_ID, None), SlotSet(state.HELD_SLOT, None),
                    SlotSet(state.OUTCOME, "hold_expired" if expired else "slot_taken")]
        except BackendUnavailable:
            logger.warning("Booking failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down")
            return await abandon_booking(tracker, self.name(), "backend_down")
        logger.info("Booked appointment %d", booking.id)
        dispatcher.utter_message(response=BOOKED_RESPONSES.get(booking.slot.channel, "utter_booked"),
                                 summary=slot_summary(booking.slot, booking.dependant_label))
        if reminders_enabled():
            dispatcher.utter_message(response="utter_booked_reminder")
        return [*state.end_flow("booked"), SlotSet(state.DEPENDANT_LABEL, None), SlotSet(state.TIME_WISHES, None)]
