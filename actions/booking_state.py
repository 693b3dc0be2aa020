"""The slots a booking, cancel or reschedule flow keeps, its steps and outcome codes (docs/conversation-design.md)."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.backend_client import Booking, Slot, turn_key

# Where a flow waits for the patient; rules are conditioned on it.
STEP = "booking_step"
NAMING_DEPENDANT = "naming_dependant"
CHOOSING_SLOT = "choosing_slot"
CONFIRMING_BOOKING = "confirming_booking"
OFFERING_WAITLIST = "offering_waitlist"
CHOOSING_APPOINTMENT = "choosing_appointment"
CONFIRMING_CANCEL = "confirming_cancel"
CONFIRMING_RESCHEDULE = "confirming_reschedule"

# What the last booking action achieved; the domain words the reply for each.
OUTCOME = "booking_outcome"

# Slots of the flow in progress (the service, the dependant and the wishes outlive a flow).
ROUTED_SERVICE = "routed_service"
FOR_DEPENDANT = "for_dependant"
DEPENDANT_LABEL = "dependant_label"
TIME_WISHES = "time_wishes"
OFFERED_SLOTS = "offered_slots"
HELD_SLOT = "held_slot"
HOLD_ID = "hold_id"
CHANGE_KIND = "change_kind"
UPCOMING = "upcoming_appointments"
CHOSEN_APPOINTMENT = "chosen_appointment"

FLOW_SLOTS = (STEP, OFFERED_SLOTS, HELD_SLOT, HOLD_ID, CHANGE_KIND, UPCOMING, CHOSEN_APPOINTMENT)
CANCEL, RESCHEDULE = "cancel", "reschedule"
MAX_OFFERED = 5


def end_flow(outcome: str) -> list[EventType]:
    """Events that close the flow in progress with `outcome`: nothing is left waiting for an answer."""
    return [SlotSet(OUTCOME, outcome), *(SlotSet(name, None) for name in FLOW_SLOTS)]


def current_turn(tracker: Tracker) -> str:
    """The id of the user message this action answers: the `turn` of every idempotency key."""
    message_id = (tracker.latest_message or {}).get("message_id")
    if message_id:
        return str(message_id)
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return repr(float(event.get("timestamp") or 0.0))
    return "no-user-turn"


def key_for(tracker: Tracker, action_name: str, step: str = "") -> str:
    return turn_key(tracker.sender_id, current_turn(tracker), action_name, step=step)


def option_number(tracker: Tracker) -> int | None:
    """The 1-based option the latest message picked (`option` entity, or a bare number typed)."""
    entities = (tracker.latest_message or {}).get("entities") or []
    values = [str(e.get("value")) for e in entities if e.get("entity") == "option"]
    text = str((tracker.latest_message or {}).get("text") or "").strip().rstrip(".")
    candidates = [*values, text] if text.isdigit() else values
    for value in candidates:
        digits = "".join(ch for ch in value if ch.isdigit())
        if digits and len(digits) <= 2:
            return int(digits)
    return None


def stored(model: Slot | Booking) -> dict[str, Any]:
    """A backend result as a plain JSON value a slot (and the tracker store) can keep."""
    value: dict[str, Any] = json.loads(model.json())
    return value


def stored_slots(tracker: Tracker, name: str) -> list[Slot]:
    values = tracker.get_slot(name) or []
    return [Slot.parse_obj(value) for value in values if isinstance(value, dict)]


def stored_bookings(tracker: Tracker, name: str) -> list[Booking]:
    values = tracker.get_slot(name) or []
    return [Booking.parse_obj(value) for value in values if isinstance(value, dict)]


def stored_slot(tracker: Tracker, name: str) -> Slot | None:
    value = tracker.get_slot(name)
    return Slot.parse_obj(value) if isinstance(value, dict) else None


def stored_booking(tracker: Tracker, name: str) -> Booking | None:
    value = tracker.get_slot(name)
    return Booking.parse_obj(value) if isinstance(value, dict) else None


def hold_id(tracker: Tracker) -> int | None:
    value = tracker.get_slot(HOLD_ID)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
