"""Cancel the chosen appointment once confirmed; inside the minimum notice, explain and point to the practice."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import (
    BackendUnavailable,
    BookingNotActive,
    NotFound,
    TooLateToChange,
    get_client,
)
from actions.patient_ref import patient_ref
from actions.slot_presenter import appointment_line

logger = logging.getLogger(__name__)


class ActionCancelAppointment(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_cancel_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        chosen = state.stored_booking(tracker, state.CHOSEN_APPOINTMENT)
        if chosen is None:
            dispatcher.utter_message(response="utter_nothing_to_confirm")
            return state.end_flow("not_changeable")
        try:
            await get_client().cancel(chosen.id, patient_ref(tracker.sender_id),
                                      idempotency_key=state.key_for(tracker, self.name()))
        except TooLateToChange:
            dispatcher.utter_message(response="utter_too_late_to_change")
            return state.end_flow("too_late_to_change")
        except (BookingNotActive, NotFound):
            dispatcher.utter_message(response="utter_not_changeable")
            return state.end_flow("not_changeable")
        except BackendUnavailable:
            logger.warning("Cancel failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down_change")
            return state.end_flow("backend_down")
        logger.info("Cancelled appointment %d", chosen.id)
        dispatcher.utter_message(response="utter_cancelled", summary=appointment_line(chosen))
        return state.end_flow("cancelled")
