"""Leave a booking flow with nothing held: on an emergency, a stop, a "no" at a confirm step, or a backend failure."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions import booking_state as state
from actions.backend_client import BackendError, get_client
from actions.patient_ref import patient_ref

logger = logging.getLogger(__name__)


async def release_held(tracker: Tracker, action_name: str) -> bool:
    """Let the patient's held slot go, if one is held; True when none is left held as far as we know.

    Best effort: a hold that cannot be released (backend down) still lapses on its own within minutes.
    """
    held = state.hold_id(tracker)
    if held is None:
        return True
    try:
        await get_client().release_hold(held, patient_ref(tracker.sender_id),
                                        idempotency_key=state.key_for(tracker, action_name, "release"))
    except BackendError as error:
        # Already confirmed, released or lapsed is as good as released; unreachable lapses by itself.
        logger.info("Hold not released by %s: %s", action_name, type(error).__name__)
        return error.status_code is not None
    return True


async def abandon_booking(tracker: Tracker, action_name: str, outcome: str = "released") -> list[EventType]:
    """Release any live hold and clear the flow in progress, and who it was for; never raises.

    The label goes too: mid-form it may still hold a message the validator never saw.
    """
    await release_held(tracker, action_name)
    return [*state.end_flow(outcome), SlotSet(state.DEPENDANT_LABEL, None)]
