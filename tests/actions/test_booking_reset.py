"""abandon_booking: the hand-off for an emergency or a stop releases the hold and clears the flow, never raising."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.backend_client import get_client
from actions.booking_reset import abandon_booking
from actions.patient_ref import patient_ref
from tests.actions.booking_trackers import hold_for, new_sender, soonest, tracker, turn, unreachable_backend

pytestmark = pytest.mark.anyio
FLOW = ("booking_step", "offered_slots", "held_slot", "hold_id", "change_kind", "upcoming_appointments",
        "chosen_appointment")


async def test_abandon_booking_releases_the_hold_and_clears_the_flow(shared_client_on_backend: str) -> None:
    sender = new_sender()
    [slot] = await soonest("gp_routine", count=1, days_ahead=2)
    held = await hold_for(sender, slot)

    events = await abandon_booking(tracker(sender, slots={"hold_id": held, "booking_step": "confirming_booking",
                                                          "dependant_label": "chest pain"}, intent="describe_symptoms"),
                                   "action_emergency")

    assert events == [SlotSet("booking_outcome", "released"), *(SlotSet(name, None) for name in FLOW),
                      SlotSet("dependant_label", None)]
    other = await get_client().hold(slot.id, patient_ref(turn('other')), idempotency_key=turn("hold"))
    assert other.slot_id == slot.id


async def test_abandon_booking_with_the_backend_down_still_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    await unreachable_backend(monkeypatch)

    events = await abandon_booking(tracker(slots={"hold_id": 12345}, intent="stop"), "action_stop")

    assert events[0] == SlotSet("booking_outcome", "released")
