"""Put the patient on the waitlist for the service, with the days and times of day they asked for."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_state as state
from actions.backend_client import UK, BackendError, BackendUnavailable, WaitlistPreferences, get_client
from actions.booking_reset import release_held
from actions.patient_ref import patient_ref
from actions.slot_offer import anchor_of, wishes_of
from bot.nlu.time_wishes import resolve, to_filters

logger = logging.getLogger(__name__)


class ActionJoinWaitlist(Action):  # type: ignore[misc]  # rasa_sdk is untyped
    def name(self) -> str:
        return "action_join_waitlist"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        service = tracker.get_slot(state.ROUTED_SERVICE)
        if not service:
            dispatcher.utter_message(response="utter_ask_what_appointment_for")
            return state.end_flow("needs_service")
        now = datetime.now(UK)
        filters = to_filters(resolve(wishes_of(tracker, now), *anchor_of(tracker), now))
        preferences = WaitlistPreferences(weekdays=list(filters.weekdays),
                                          part_of_day=[filters.part_of_day] if filters.part_of_day else [])
        await release_held(tracker, self.name())
        try:
            await get_client().join_waitlist(patient_ref(tracker.sender_id), service, preferences,
                                              idempotency_key=state.key_for(tracker, self.name()))
        except BackendUnavailable:
            logger.warning("Joining the waitlist failed: booking backend unavailable")
            dispatcher.utter_message(response="utter_backend_down")
            return state.end_flow("backend_down")
        except BackendError as error:
            logger.info("Waitlist refused: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_waitlist_refused")
            return state.end_flow("not_changeable")
        dispatcher.utter_message(response="utter_waitlisted")
        return state.end_flow("waitlisted")
